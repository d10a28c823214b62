import { useState } from 'react';
import Typography from '@material-ui/core/Typography';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { GuardedButton } from '../common/GuardedButton';
import { currentVersion } from './upgradeChecks';

/** Upgrades the cluster to one offered version, after asking. */
export function UpgradeAction({
  version,
  blockedReason,
}: {
  version: string;
  blockedReason?: string;
}) {
  const view = useClusterView();
  const [open, setOpen] = useState(false);
  return (
    <>
      <GuardedButton
        size="small"
        variant="outlined"
        color="primary"
        blockedReason={blockedReason}
        onClick={() => setOpen(true)}
        aria-label={`Upgrade to ${version}`}
      >
        Upgrade
      </GuardedButton>
      <ConfirmDialog
        open={open}
        title={`Upgrade ${view.cluster.name} to ${version}`}
        confirmLabel="Upgrade"
        onConfirm={() => view.change({ action: 'upgrade', version })}
        onClose={() => setOpen(false)}
      >
        <Typography>
          The control plane moves from {currentVersion(view.cluster)} to{' '}
          {version} first; then each node pool's machines are replaced with ones
          on {version}, one pool after the other. Workloads are moved off a
          machine before it goes.
        </Typography>
      </ConfirmDialog>
    </>
  );
}
