export { HubEtcd } from './HubEtcd';
export type {
  DefragmentResult,
  EtcdPodStatus,
  EtcdSnapshot,
  EtcdSnapshotInfo,
  HubEtcdTarget,
} from './HubEtcd';
export type {
  EtcdAlarmMember,
  EtcdMember,
  EtcdMemberStatus,
} from './gatewayMessages';
export {
  DEFAULT_DEFRAGMENTATION_THRESHOLDS,
  defragmentationPlan,
  fragmentation,
} from './defragmentationPlan';
export type { DefragmentationThresholds } from './defragmentationPlan';
export {
  EtcdRequestError,
  EtcdSnapshotError,
  EtcdUnreachableError,
} from './errors';
export { SnapshotDecoder } from './SnapshotDecoder';
export type { SnapshotStart } from './SnapshotDecoder';
