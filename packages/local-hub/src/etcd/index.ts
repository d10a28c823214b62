export {
  ETCD_SNAPSHOT_RESTORED_CONDITION,
  restoreSnapshotURL,
} from './StandinEtcd';
export {
  REVISION_BUMP_MARGIN,
  REVISION_BUMP_UNKNOWN_LIVE,
  revisionBump,
} from './restoreArguments';
