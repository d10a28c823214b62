import { useState } from 'react';
import Typography from '@material-ui/core/Typography';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { GuardedButton } from '../common/GuardedButton';
import { useChangeBlock } from '../common/useActionBlock';
import { SettingRow } from './SettingRow';

/** Hibernates the cluster (its machines go, their numbers are kept), or resumes it. */
export function HibernationSetting() {
  const view = useClusterView();
  const blockedReason = useChangeBlock();
  const [open, setOpen] = useState(false);
  const hibernated = view.cluster.phase === 'Hibernated';
  const action = hibernated ? 'Resume' : 'Hibernate';

  return (
    <>
      <SettingRow
        title="Hibernation"
        action={
          <GuardedButton
            variant="outlined"
            blockedReason={blockedReason}
            onClick={() => setOpen(true)}
          >
            {action}
          </GuardedButton>
        }
      >
        {hibernated
          ? 'The cluster is hibernated: its node pools have no machines. Resuming brings back as many as each had.'
          : 'Hibernating scales every node pool to no machines and remembers their sizes; workloads stop until the cluster is resumed.'}
      </SettingRow>
      <ConfirmDialog
        open={open}
        title={`${action} ${view.cluster.name}`}
        confirmLabel={action}
        onConfirm={() =>
          view.change({ action: hibernated ? 'resume' : 'hibernate' })
        }
        onClose={() => setOpen(false)}
      >
        <Typography>
          {hibernated
            ? 'Each node pool gets back the machines it had before hibernation.'
            : 'Every machine of every node pool is deleted and every workload stops. The sizes are kept for resuming.'}
        </Typography>
      </ConfirmDialog>
    </>
  );
}
