import { useReducer, useState } from 'react';
import { Link, Progress, Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  ClusterAlert,
  clusterUpdatePermission,
} from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { ClusterFrame } from '../common/ClusterFrame';
import { useClusterView } from '../common/ClusterViewContext';
import { formatTime } from '../common/formatTime';
import { GuardedButton } from '../common/GuardedButton';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import { usePermissionBlock } from '../common/useActionBlock';
import { SilenceDialog } from './SilenceDialog';

const LABELS_SHOWN_ELSEWHERE = new Set([
  'alertname',
  'severity',
  'hostplane_hub',
  'hostplane_cluster',
  'hostplane_owner',
]);

function StateCell({ alert }: { alert: ClusterAlert }) {
  if (alert.state === 'resolved') {
    return <Chip size="small" label={`resolved ${formatTime(alert.endsAt)}`} />;
  }
  return (
    <>
      <Chip
        size="small"
        color={alert.severity === 'critical' ? 'secondary' : 'default'}
        label={`${alert.severity} · firing`}
      />
      {alert.silenced && (
        <Typography variant="caption" display="block">
          silenced{alert.silencedBy ? ` by ${alert.silencedBy}` : ''}
        </Typography>
      )}
      {alert.acknowledgedBy && (
        <Typography variant="caption" display="block">
          acknowledged by {alert.acknowledgedBy}
        </Typography>
      )}
    </>
  );
}

function Alerts() {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const changeBlock = usePermissionBlock(clusterUpdatePermission);
  const [loads, reload] = useReducer((n: number) => n + 1, 0);
  const [silencing, setSilencing] = useState<ClusterAlert>();
  const [actionError, setActionError] = useState<Error>();
  const alerts = useAsync(
    () => api.listClusterAlerts(clusterRef.hub, clusterRef.name),
    [api, clusterRef.hub, clusterRef.name, loads],
  );

  const columns: TableColumn<ClusterAlert>[] = [
    {
      title: 'State',
      render: alert => <StateCell alert={alert} />,
    },
    {
      title: 'Alert',
      render: alert => (
        <>
          <Typography variant="body2">
            <strong>{alert.name}</strong>: {alert.summary}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            {alert.description}
          </Typography>
        </>
      ),
    },
    { title: 'Since', render: alert => formatTime(alert.startsAt) },
    {
      title: 'Labels',
      render: alert =>
        Object.entries(alert.labels)
          .filter(([key]) => !LABELS_SHOWN_ELSEWHERE.has(key))
          .map(([key, value]) => (
            <Chip
              key={key}
              size="small"
              variant="outlined"
              label={`${key}=${value}`}
            />
          )),
    },
    {
      title: 'Chart',
      render: alert =>
        alert.panel ? (
          <Link to={`../monitoring#${alert.panel}`}>Show</Link>
        ) : (
          ''
        ),
    },
    {
      title: '',
      render: alert =>
        alert.state === 'firing' && (
          <>
            <GuardedButton
              size="small"
              blockedReason={changeBlock}
              disabled={alert.silenced}
              onClick={() => setSilencing(alert)}
            >
              Silence
            </GuardedButton>
            <GuardedButton
              size="small"
              blockedReason={changeBlock}
              disabled={!!alert.acknowledgedBy}
              onClick={async () => {
                setActionError(undefined);
                try {
                  await api.acknowledgeAlert(
                    clusterRef.hub,
                    clusterRef.name,
                    alert.fingerprint,
                  );
                  reload();
                } catch (e) {
                  setActionError(e as Error);
                }
              }}
            >
              Acknowledge
            </GuardedButton>
          </>
        ),
    },
  ];

  return (
    <Grid container spacing={3}>
      {(alerts.error ?? actionError) && (
        <Grid item xs={12}>
          <ServerErrorPanel error={(alerts.error ?? actionError)!} />
        </Grid>
      )}
      <Grid item xs={12}>
        {alerts.loading && !alerts.value && <Progress />}
        {alerts.value && (
          <Table<ClusterAlert>
            // The table keeps its first columns: a new decision makes a new table.
            key={changeBlock ?? 'allowed'}
            title="Alerts"
            options={{ paging: false, search: false, padding: 'dense' }}
            columns={columns}
            data={alerts.value.items}
            emptyContent={
              <Typography style={{ padding: 16 }}>
                No alerts: every control-plane rule holds.
              </Typography>
            }
          />
        )}
      </Grid>
      {silencing && (
        <SilenceDialog
          alert={silencing}
          onClose={() => setSilencing(undefined)}
          onSilence={async (durationMinutes, comment) => {
            await api.silenceAlert(clusterRef.hub, clusterRef.name, {
              fingerprint: silencing.fingerprint,
              durationMinutes,
              comment,
            });
            reload();
          }}
        />
      )}
    </Grid>
  );
}

/**
 * The alerts tab: the control plane's firing and resolved alerts, each silenced (through the
 * hub's Alertmanager) or acknowledged by whoever may change the cluster.
 */
export function AlertsContent() {
  return (
    <ClusterFrame>
      <Alerts />
    </ClusterFrame>
  );
}
