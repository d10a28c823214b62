/**
 * A catalog module that puts every Hostplane tenant cluster in the catalog as a Resource.
 *
 * @packageDocumentation
 */
export { catalogModuleHostplane as default } from './module';
export { HostplaneClusterProvider } from './HostplaneClusterProvider';
export { clusterEntity } from './clusterEntity';
