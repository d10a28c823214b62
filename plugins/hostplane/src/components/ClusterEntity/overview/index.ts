export { ClusterOverviewContent } from './ClusterOverviewContent';
