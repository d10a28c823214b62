import { useState } from 'react';
import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import {
  ListBackupsResponse,
  backupCreatePermission,
} from '@hostplane/plugin-hostplane-common';
import { useClusterView } from '../common/ClusterViewContext';
import { formatTime } from '../common/formatTime';
import { GuardedButton } from '../common/GuardedButton';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import { useChangeBlock } from '../common/useActionBlock';
import { BackupProgress } from './BackupProgress';
import { BackupScheduleDialog } from './BackupScheduleDialog';
import { relativeTime } from './formatDuration';

function timeAndDistance(iso: string | undefined, none: string): string {
  if (!iso) return none;
  const distance = relativeTime(iso);
  return distance ? `${formatTime(iso)} (${distance})` : formatTime(iso);
}

/**
 * Where the cluster's backups stand: the last good one and its age, the next on the schedule, the
 * schedule and retention (to edit), and "Back up now" with the running backup's progress.
 */
export function BackupStatusCard({
  backups,
}: {
  backups: ListBackupsResponse;
}) {
  const view = useClusterView();
  const blockedReason = useChangeBlock(backupCreatePermission);
  const [editing, setEditing] = useState(false);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<Error>();
  const running =
    view.operation?.type === 'backup' && view.operation.state === 'running'
      ? view.operation
      : undefined;
  const { policy } = backups;

  const backUpNow = async () => {
    setStarting(true);
    setStartError(undefined);
    try {
      await view.change({ action: 'backup' });
    } catch (e) {
      setStartError(e as Error);
    } finally {
      setStarting(false);
    }
  };

  return (
    <InfoCard title="etcd backups">
      <StructuredMetadataTable
        metadata={{
          'Last successful backup': timeAndDistance(
            backups.lastSuccessfulAt,
            'none yet',
          ),
          'Next scheduled backup': timeAndDistance(
            backups.nextScheduledAt,
            'none scheduled',
          ),
          Schedule: `${policy.schedule} (UTC), the newest ${policy.retention} kept`,
          Store: backups.store,
        }}
      />
      {running && <BackupProgress operation={running} />}
      <Box display="flex" mt={2} style={{ gap: 16 }}>
        <GuardedButton
          variant="contained"
          color="primary"
          blockedReason={blockedReason}
          disabled={starting}
          onClick={backUpNow}
        >
          Back up now
        </GuardedButton>
        <GuardedButton
          variant="outlined"
          blockedReason={blockedReason}
          onClick={() => setEditing(true)}
        >
          Edit schedule
        </GuardedButton>
      </Box>
      {startError && <ServerErrorPanel error={startError} />}
      {editing && (
        <BackupScheduleDialog
          policy={policy}
          onClose={() => setEditing(false)}
        />
      )}
    </InfoCard>
  );
}
