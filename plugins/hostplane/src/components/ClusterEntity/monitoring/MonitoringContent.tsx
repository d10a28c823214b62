import { useEffect, useReducer, useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  ClusterMetricsResponse,
  METRICS_RANGES,
  MetricPanel,
  MetricsRange,
} from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import Switch from '@material-ui/core/Switch';
import Typography from '@material-ui/core/Typography';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import useAsync from 'react-use/esm/useAsync';
import { ClusterFrame } from '../common/ClusterFrame';
import { useClusterView } from '../common/ClusterViewContext';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import { MetricChart } from './MetricChart';

/** How often the charts are loaded again while auto-refresh is on. */
export const REFRESH_INTERVAL_MS = 30_000;

function PanelCard({
  panel,
  metrics,
}: {
  panel: MetricPanel;
  metrics: ClusterMetricsResponse;
}) {
  const hasPoints = panel.series.some(s =>
    s.points.some(([, v]) => v !== null),
  );
  let body;
  if (panel.error) {
    body = (
      <Typography color="error" variant="body2">
        The metrics store did not answer this panel: {panel.error}
      </Typography>
    );
  } else if (!hasPoints) {
    body = (
      <Typography color="textSecondary" variant="body2">
        No data yet: the control plane's metrics appear here a scrape or two
        after it starts.
      </Typography>
    );
  } else {
    body = (
      <MetricChart
        panel={panel}
        range={metrics.range}
        start={metrics.start}
        end={metrics.end}
      />
    );
  }
  return (
    <InfoCard title={panel.title} subheader={panel.description}>
      {/* The id is what an alert's link to its chart points at. */}
      <div id={panel.id} data-testid={`panel-${panel.id}`}>
        {body}
      </div>
    </InfoCard>
  );
}

function Monitoring() {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const [range, setRange] = useState<MetricsRange>('1h');
  const [autoRefresh, setAutoRefresh] = useState(true);
  const [loads, reload] = useReducer((n: number) => n + 1, 0);
  const metrics = useAsync(
    () => api.getClusterMetrics(clusterRef.hub, clusterRef.name, { range }),
    [api, clusterRef.hub, clusterRef.name, range, loads],
  );
  // What was loaded stays on screen while the next answer comes in.
  const [shown, setShown] = useState<ClusterMetricsResponse>();
  useEffect(() => {
    if (metrics.value) setShown(metrics.value);
  }, [metrics.value]);
  useEffect(() => {
    if (!autoRefresh) return undefined;
    const timer = setInterval(reload, REFRESH_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [autoRefresh]);

  const current = shown?.range === range ? shown : undefined;
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Grid container spacing={2} alignItems="center">
          <Grid item>
            <ToggleButtonGroup
              size="small"
              exclusive
              value={range}
              onChange={(_event, value) => value && setRange(value)}
              aria-label="Time range"
            >
              {METRICS_RANGES.map(r => (
                <ToggleButton key={r} value={r} aria-label={`last ${r}`}>
                  {r}
                </ToggleButton>
              ))}
            </ToggleButtonGroup>
          </Grid>
          <Grid item>
            <FormControlLabel
              control={
                <Switch
                  checked={autoRefresh}
                  onChange={event => setAutoRefresh(event.target.checked)}
                  color="primary"
                />
              }
              label={`Auto-refresh every ${REFRESH_INTERVAL_MS / 1000} s`}
            />
          </Grid>
        </Grid>
      </Grid>
      {metrics.error && (
        <Grid item xs={12}>
          <ServerErrorPanel error={metrics.error} />
        </Grid>
      )}
      {!current && metrics.loading && (
        <Grid item xs={12}>
          <Progress />
        </Grid>
      )}
      {current?.panels.map(panel => (
        <Grid item xs={12} md={6} key={panel.id}>
          <PanelCard panel={panel} metrics={current} />
        </Grid>
      ))}
    </Grid>
  );
}

/**
 * The monitoring tab: the control plane's API server and etcd metrics as charts over a chosen
 * range, refreshed on their own.
 */
export function MonitoringContent() {
  return (
    <ClusterFrame>
      <Monitoring />
    </ClusterFrame>
  );
}
