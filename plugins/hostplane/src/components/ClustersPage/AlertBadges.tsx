import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  entityRouteParams,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  ClusterAlertSummary,
  clusterEntityRef,
} from '@hostplane/plugin-hostplane-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  critical: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  warning: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  // Outlined by hand: the chip's own `variant` would be taken for the link's.
  threats: {
    backgroundColor: 'transparent',
    border: `1px solid ${theme.palette.error.main}`,
    color: theme.palette.error.main,
  },
}));

/** The path of one of the cluster's entity tabs (`alerts`, `security`). */
export function useClusterTabPath(): (
  hub: string,
  cluster: string,
  tab: string,
) => string {
  const entityRoute = useRouteRef(entityRouteRef);
  return (hub, cluster, tab) =>
    `${entityRoute(entityRouteParams(clusterEntityRef(hub, cluster)))}/${tab}`;
}

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count} ${count === 1 ? one : many}`;

/**
 * What fires on one cluster, as chips linking to its Alerts tab (and, for threats, its Security
 * tab): critical and warning alerts that are not silenced, and open threat alerts. Nothing at
 * all when nothing fires, so a long list of quiet clusters stays quiet.
 */
export function AlertBadges({
  summary,
}: {
  summary: ClusterAlertSummary | undefined;
}) {
  const classes = useStyles();
  const tabPath = useClusterTabPath();
  if (!summary) return null;
  const { hub, cluster, firing, openThreats } = summary;
  const alertsPath = tabPath(hub, cluster, 'alerts');
  const chips = [
    firing.critical > 0 && (
      <Chip
        key="critical"
        size="small"
        component={Link}
        to={alertsPath}
        className={classes.critical}
        label={`${firing.critical} critical`}
        aria-label={`${plural(firing.critical, 'critical alert')} firing`}
      />
    ),
    firing.warning > 0 && (
      <Chip
        key="warning"
        size="small"
        component={Link}
        to={alertsPath}
        className={classes.warning}
        label={`${firing.warning} warning`}
        aria-label={`${plural(firing.warning, 'warning')} firing`}
      />
    ),
    openThreats > 0 && (
      <Chip
        key="threats"
        size="small"
        component={Link}
        to={tabPath(hub, cluster, 'security')}
        className={classes.threats}
        label={plural(openThreats, 'threat')}
        aria-label={`${plural(openThreats, 'open threat alert')}`}
      />
    ),
  ].filter(Boolean);
  if (chips.length === 0) return null;
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
      {chips}
    </Box>
  );
}
