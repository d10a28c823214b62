import { useState } from 'react';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { BackupPolicy } from '@hostplane/plugin-hostplane-common';
import { changeProblem } from '../common/changeProblem';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { NumberField } from '../common/NumberField';

/** Changes when the cluster's etcd is backed up and how many backups are kept. */
export function BackupScheduleDialog({
  policy,
  onClose,
}: {
  policy: BackupPolicy;
  onClose(): void;
}) {
  const view = useClusterView();
  const [schedule, setSchedule] = useState(policy.schedule);
  const [retention, setRetention] = useState(policy.retention);
  const change = {
    action: 'configureBackups' as const,
    backup: { schedule: schedule.trim(), retention },
  };
  const unchanged =
    change.backup.schedule === policy.schedule && retention === policy.retention
      ? 'Nothing has changed yet'
      : undefined;
  return (
    <ConfirmDialog
      open
      title="Backup schedule"
      confirmLabel="Save"
      invalidReason={changeProblem(change) ?? unchanged}
      onConfirm={() => view.change(change)}
      onClose={onClose}
    >
      <Typography variant="body2" paragraph>
        A five-field cron expression in UTC: <code>0 */6 * * *</code> is every
        six hours. The newest backups are kept up to the number below; older
        ones are deleted, never the last good one.
      </Typography>
      <TextField
        id="hostplane-backup-schedule"
        label="Schedule (cron, UTC)"
        value={schedule}
        onChange={event => setSchedule(event.target.value)}
        margin="dense"
        // eslint-disable-next-line jsx-a11y/no-autofocus -- the first field of a dialog the user has just opened
        autoFocus
        fullWidth
      />
      <NumberField
        label="Backups kept"
        value={retention}
        onChange={setRetention}
        min={1}
        max={365}
      />
    </ConfirmDialog>
  );
}
