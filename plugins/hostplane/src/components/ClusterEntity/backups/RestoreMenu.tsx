import { useState } from 'react';
import Button from '@material-ui/core/Button';
import ListItemText from '@material-ui/core/ListItemText';
import Menu from '@material-ui/core/Menu';
import MenuItem from '@material-ui/core/MenuItem';
import { BackupSummary, Operation } from '@hostplane/plugin-hostplane-common';
import { RestoreInPlaceDialog } from './RestoreInPlaceDialog';
import { RestoreToNewClusterDialog } from './RestoreToNewClusterDialog';

type Restore = 'new' | 'inPlace';

export interface RestoreBlocks {
  /** Why this backup may not be restored into a new cluster now, if it may not. */
  newCluster?: string;
  /** Why the cluster may not be rolled back to it now, if it may not. */
  inPlace?: string;
}

/**
 * The two ways to restore one backup, as a menu on its row; each opens its dialog. An item that
 * may not be used is disabled and says why beneath its name (a disabled item shows no tooltip).
 */
export function RestoreMenu({
  backup,
  blocks,
  onNewClusterStarted,
}: {
  backup: BackupSummary;
  blocks: RestoreBlocks;
  onNewClusterStarted(operation: Operation): void;
}) {
  const [anchor, setAnchor] = useState<HTMLElement>();
  const [opened, setOpened] = useState<Restore>();
  const items: { restore: Restore; label: string; blockedReason?: string }[] = [
    {
      restore: 'new',
      label: 'Into a new cluster',
      blockedReason: blocks.newCluster,
    },
    {
      restore: 'inPlace',
      label: 'In place (roll this cluster back)',
      blockedReason: blocks.inPlace,
    },
  ];
  const menuId = `hostplane-restore-${backup.id}`;
  const close = () => setOpened(undefined);
  return (
    <>
      <Button
        size="small"
        variant="outlined"
        aria-label={`Restore backup ${backup.id}`}
        aria-controls={menuId}
        aria-haspopup="true"
        onClick={event => setAnchor(event.currentTarget)}
      >
        Restore
      </Button>
      <Menu
        id={menuId}
        anchorEl={anchor}
        open={!!anchor}
        onClose={() => setAnchor(undefined)}
      >
        {items.map(item => (
          <MenuItem
            key={item.restore}
            disabled={!!item.blockedReason}
            onClick={() => {
              setAnchor(undefined);
              if (!item.blockedReason) setOpened(item.restore);
            }}
          >
            <ListItemText primary={item.label} secondary={item.blockedReason} />
          </MenuItem>
        ))}
      </Menu>
      {opened === 'new' && (
        <RestoreToNewClusterDialog
          backup={backup}
          onStarted={onNewClusterStarted}
          onClose={close}
        />
      )}
      {opened === 'inPlace' && (
        <RestoreInPlaceDialog backup={backup} onClose={close} />
      )}
    </>
  );
}
