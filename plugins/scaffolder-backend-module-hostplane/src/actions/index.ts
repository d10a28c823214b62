import { HostplaneActionsOptions } from './common';
import { backupClusterAction } from './backupCluster';
import { createClusterAction } from './createCluster';
import {
  deleteClusterAction,
  scaleClusterAction,
  upgradeClusterAction,
} from './changeCluster';

export type { HostplaneActionsOptions } from './common';
export { DRY_RUN_OPERATION_ID, clusterEntityRef } from './common';
export {
  backupClusterAction,
  createClusterAction,
  deleteClusterAction,
  scaleClusterAction,
  upgradeClusterAction,
};

/** Every Hostplane action: create, scale, upgrade, delete and back up a tenant cluster. */
export function createHostplaneActions(options: HostplaneActionsOptions) {
  return [
    createClusterAction(options),
    scaleClusterAction(options),
    upgradeClusterAction(options),
    deleteClusterAction(options),
    backupClusterAction(options),
  ];
}
