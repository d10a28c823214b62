/**
 * A scaffolder module with actions that create, scale, upgrade and delete Hostplane tenant
 * clusters through the Hostplane API, as the task's initiator.
 *
 * @packageDocumentation
 */
export { scaffolderModuleHostplane as default } from './module';
export {
  DRY_RUN_OPERATION_ID,
  backupClusterAction,
  clusterEntityRef,
  createClusterAction,
  createHostplaneActions,
  deleteClusterAction,
  scaleClusterAction,
  upgradeClusterAction,
} from './actions';
export type { HostplaneActionsOptions } from './actions';
