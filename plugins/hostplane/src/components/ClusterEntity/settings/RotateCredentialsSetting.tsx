import { useState } from 'react';
import Typography from '@material-ui/core/Typography';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { formatTime } from '../common/formatTime';
import { GuardedButton } from '../common/GuardedButton';
import { useChangeBlock } from '../common/useActionBlock';
import { SettingRow } from './SettingRow';

const CONSEQUENCE =
  'The cluster gets a new certificate authority and admin credential: every kubeconfig issued so far, yours included, stops working, and everyone has to download a new one.';

/** Replaces the cluster's CA and admin credential, revoking every issued kubeconfig. */
export function RotateCredentialsSetting() {
  const view = useClusterView();
  const { cluster } = view;
  const notNow =
    cluster.phase === 'Ready' || cluster.phase === 'Degraded'
      ? undefined
      : `${cluster.name} is ${cluster.phase}; its credentials can be rotated when it is Ready (or Degraded)`;
  const blockedReason = useChangeBlock() ?? notNow;
  const [open, setOpen] = useState(false);

  return (
    <>
      <SettingRow
        title="Rotate credentials"
        action={
          <GuardedButton
            variant="outlined"
            color="secondary"
            blockedReason={blockedReason}
            onClick={() => setOpen(true)}
          >
            Rotate credentials
          </GuardedButton>
        }
      >
        {CONSEQUENCE} Last rotated: {formatTime(cluster.credentialsRotatedAt)}.
      </SettingRow>
      <ConfirmDialog
        open={open}
        title={`Rotate the credentials of ${cluster.name}`}
        confirmLabel="Rotate"
        danger
        onConfirm={() => view.change({ action: 'rotateCredentials' })}
        onClose={() => setOpen(false)}
      >
        <Typography>{CONSEQUENCE}</Typography>
      </ConfirmDialog>
    </>
  );
}
