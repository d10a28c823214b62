/**
 * The portal's permission policy for Hostplane: owners operate their tenant clusters, platform
 * groups operate all of them, others read them.
 *
 * @packageDocumentation
 */
export { permissionModuleHostplanePolicy as default } from './module';
export {
  HostplanePermissionPolicy,
  type HostplanePolicyOptions,
} from './HostplanePermissionPolicy';
