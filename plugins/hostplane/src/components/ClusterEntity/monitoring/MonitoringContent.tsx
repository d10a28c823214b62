import { useEffect, useReducer, useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  ClusterMetricsResponse,
  METRICS_RANGES,
  MetricPanel,
  MetricPanelId,
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

/** The panels about the cluster's nodes, shown apart from the control plane's. */
const NODE_POOL_PANELS: ReadonlySet<MetricPanelId> = new Set([
  'nodePoolCpu',
  'nodePoolMemory',
  'topNodes',
]);

/** The tab's sections, each with the panels of the answer that belong to it. */
function sections(panels: MetricPanel[]) {
  return [
    {
      id: 'control-plane',
      title: 'Control plane',
      panels: panels.filter(p => !NODE_POOL_PANELS.has(p.id)),
      noData:
        "No data yet: the control plane's metrics appear here a scrape or two after it starts.",
    },
    {
      id: 'node-pools',
      title: 'Node pools',
      panels: panels.filter(p => NODE_POOL_PANELS.has(p.id)),
      noData:
        "No data yet: a pool's nodes appear here a scrape or two after their machines run.",
    },
  ].filter(section => section.panels.length > 0);
}

function PanelCard({
  panel,
  metrics,
  noData,
}: {
  panel: MetricPanel;
  metrics: ClusterMetricsResponse;
  noData: string;
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
        {noData}
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
      {current &&
        sections(current.panels).map(section => (
          <Grid item xs={12} key={section.id}>
            <Typography variant="h6" component="h2" gutterBottom>
              {section.title}
            </Typography>
            <Grid container spacing={3} data-testid={`section-${section.id}`}>
              {section.panels.map(panel => (
                <Grid item xs={12} md={6} key={panel.id}>
                  <PanelCard
                    panel={panel}
                    metrics={current}
                    noData={section.noData}
                  />
                </Grid>
              ))}
            </Grid>
          </Grid>
        ))}
    </Grid>
  );
}

/**
 * The monitoring tab: the control plane's API server and etcd metrics, and its node pools' CPU and
 * memory, as charts over a chosen range, refreshed on their own.
 */
export function MonitoringContent() {
  return (
    <ClusterFrame>
      <Monitoring />
    </ClusterFrame>
  );
}
