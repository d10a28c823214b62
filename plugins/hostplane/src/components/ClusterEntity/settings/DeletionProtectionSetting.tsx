import { useState } from 'react';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { useChangeBlock } from '../common/useActionBlock';
import { SettingRow } from './SettingRow';

/** Turns deletion protection on or off; while on, the cluster cannot be deleted. */
export function DeletionProtectionSetting() {
  const view = useClusterView();
  const blockedReason = useChangeBlock();
  const [open, setOpen] = useState(false);
  const on = view.cluster.deletionProtection;
  const toggle = (
    <FormControlLabel
      label={on ? 'On' : 'Off'}
      control={
        <Switch
          checked={on}
          disabled={!!blockedReason}
          onChange={() => setOpen(true)}
          inputProps={{ 'aria-label': 'Deletion protection' }}
        />
      }
    />
  );

  return (
    <>
      <SettingRow
        title="Deletion protection"
        action={
          blockedReason ? (
            <Tooltip title={blockedReason}>
              <span>{toggle}</span>
            </Tooltip>
          ) : (
            toggle
          )
        }
      >
        While it is on, nobody can delete the cluster, here or through a
        template.
      </SettingRow>
      <ConfirmDialog
        open={open}
        title={`Turn deletion protection ${on ? 'off' : 'on'}`}
        confirmLabel={on ? 'Turn off' : 'Turn on'}
        danger={on}
        onConfirm={() =>
          view.change({ action: 'protect', deletionProtection: !on })
        }
        onClose={() => setOpen(false)}
      >
        <Typography>
          {on
            ? `${view.cluster.name} can then be deleted by anyone allowed to delete it.`
            : `${view.cluster.name} cannot be deleted until protection is turned off again.`}
        </Typography>
      </ConfirmDialog>
    </>
  );
}
