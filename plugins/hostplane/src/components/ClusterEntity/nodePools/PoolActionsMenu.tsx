import { useState } from 'react';
import IconButton from '@material-ui/core/IconButton';
import ListItemText from '@material-ui/core/ListItemText';
import Menu from '@material-ui/core/Menu';
import MenuItem from '@material-ui/core/MenuItem';
import MoreVertIcon from '@material-ui/icons/MoreVert';
import { NodePoolStatus } from '@hostplane/plugin-hostplane-common';
import { useClusterView } from '../common/ClusterViewContext';
import { AutoscalePoolDialog } from './AutoscalePoolDialog';
import { RemovePoolDialog } from './RemovePoolDialog';
import { ScalePoolDialog } from './ScalePoolDialog';

type PoolAction = 'scale' | 'autoscale' | 'remove';

/**
 * What can be done to one pool, as a menu on its row; each item opens its dialog. An item that
 * may not be used now is disabled and says why beneath its name (a disabled item shows no
 * tooltip).
 */
export function PoolActionsMenu({
  pool,
  blockedReason,
}: {
  pool: NodePoolStatus;
  blockedReason?: string;
}) {
  const { cluster } = useClusterView();
  const [anchor, setAnchor] = useState<HTMLElement>();
  const [opened, setOpened] = useState<PoolAction>();
  const lastPool =
    cluster.nodePools.length <= 1
      ? 'The last node pool cannot be removed'
      : undefined;
  const items: { action: PoolAction; label: string; blockedReason?: string }[] =
    [
      { action: 'scale', label: 'Scale', blockedReason },
      {
        action: 'autoscale',
        label: pool.autoscaling ? 'Autoscaling' : 'Enable autoscaling',
        blockedReason,
      },
      {
        action: 'remove',
        label: 'Remove',
        blockedReason: blockedReason ?? lastPool,
      },
    ];
  const menuId = `hostplane-pool-actions-${pool.name}`;
  const close = () => setOpened(undefined);

  return (
    <>
      <IconButton
        size="small"
        aria-label={`Actions for node pool ${pool.name}`}
        aria-controls={menuId}
        aria-haspopup="true"
        onClick={event => setAnchor(event.currentTarget)}
      >
        <MoreVertIcon />
      </IconButton>
      <Menu
        id={menuId}
        anchorEl={anchor}
        open={!!anchor}
        onClose={() => setAnchor(undefined)}
      >
        {items.map(item => (
          <MenuItem
            key={item.action}
            disabled={!!item.blockedReason}
            onClick={() => {
              setAnchor(undefined);
              if (!item.blockedReason) setOpened(item.action);
            }}
          >
            <ListItemText primary={item.label} secondary={item.blockedReason} />
          </MenuItem>
        ))}
      </Menu>
      {opened === 'scale' && <ScalePoolDialog pool={pool} onClose={close} />}
      {opened === 'autoscale' && (
        <AutoscalePoolDialog pool={pool} onClose={close} />
      )}
      {opened === 'remove' && <RemovePoolDialog pool={pool} onClose={close} />}
    </>
  );
}
