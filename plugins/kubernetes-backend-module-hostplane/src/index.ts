/**
 * Hostplane tenant clusters in Backstage's Kubernetes plugin.
 *
 * @packageDocumentation
 */
export { kubernetesModuleHostplane as default } from './module';
export {
  HostplaneClusterSupplier,
  toClusterDetails,
} from './HostplaneClusterSupplier';
export {
  HOSTPLANE_AUTH_PROVIDER,
  HostplaneAuthStrategy,
} from './HostplaneAuthStrategy';
