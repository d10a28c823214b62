export { ClusterMirror } from './ClusterMirror';
export type { ClusterListing, ClusterMirrorOptions } from './ClusterMirror';
