import { StatusOK, Table, TableColumn } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import {
  BackupSummary,
  BackupTrigger,
  Operation,
  formatByteSize,
} from '@hostplane/plugin-hostplane-common';
import { formatTime } from '../common/formatTime';
import { ChecksumCell } from './ChecksumCell';
import { formatDuration } from './formatDuration';
import { RestoreBlocks, RestoreMenu } from './RestoreMenu';

const TRIGGERS: Record<BackupTrigger, string> = {
  schedule: 'Schedule',
  manual: 'Manual',
  'pre-restore': 'Before a restore',
};

/** A backup as a row: its `id` keeps the row (and its open menu) across reloads. */
type BackupRow = BackupSummary;

const columns: TableColumn<BackupRow>[] = [
  {
    title: 'Taken',
    highlight: true,
    render: backup => (
      <>
        {formatTime(backup.createdAt)}
        {/* The id is what the New Cluster template and the API name a backup by. */}
        <Typography variant="caption" color="textSecondary" component="div">
          {backup.id}
        </Typography>
      </>
    ),
  },
  { title: 'Size', render: backup => formatByteSize(backup.sizeBytes) },
  { title: 'Revision', field: 'revision', type: 'numeric', align: 'left' },
  {
    title: 'Duration',
    render: backup =>
      backup.durationMs === undefined ? '—' : formatDuration(backup.durationMs),
  },
  { title: 'Trigger', render: backup => TRIGGERS[backup.trigger] },
  { title: 'By', field: 'requestedBy' },
  {
    title: 'Checksum (SHA-256)',
    render: backup => (
      <ChecksumCell sha256={backup.sha256} backupId={backup.id} />
    ),
  },
  // The API lists only backups whose checksum was verified once stored.
  { title: 'Status', render: () => <StatusOK>verified</StatusOK> },
];

/** Every backup of the cluster, newest first, each with its restores. */
export function BackupsTable({
  backups,
  blocks,
  nextScheduledAt,
  onNewClusterStarted,
}: {
  backups: BackupSummary[];
  blocks: RestoreBlocks;
  nextScheduledAt?: string;
  onNewClusterStarted(operation: Operation): void;
}) {
  return (
    <Table<BackupRow>
      title={`Backups (${backups.length})`}
      options={{
        paging: backups.length > 20,
        pageSize: 20,
        search: false,
        padding: 'dense',
      }}
      columns={[
        ...columns,
        {
          title: 'Restore',
          render: backup => (
            <RestoreMenu
              backup={backup}
              blocks={blocks}
              onNewClusterStarted={onNewClusterStarted}
            />
          ),
        },
      ]}
      data={backups}
      emptyContent={`No backup yet. ${
        nextScheduledAt
          ? `The first scheduled one is due ${formatTime(nextScheduledAt)}; `
          : ''
      }"Back up now" takes one at once.`}
    />
  );
}
