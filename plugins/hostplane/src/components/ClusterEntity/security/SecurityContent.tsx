import { useCallback, useReducer } from 'react';
import { Progress, Table } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ThreatAlert } from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { ClusterFrame } from '../common/ClusterFrame';
import { useClusterView } from '../common/ClusterViewContext';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import { threatAlertColumns } from './alertColumns';
import {
  AlertFilters,
  filtersFromSearch,
  matchesFilters,
  statusesOf,
  withFilters,
} from './alertFilters';
import { ResponsePolicyCard } from './ResponsePolicyCard';
import { ThreatAlertFilters } from './ThreatAlertFilters';
import { ThreatReportDrawer } from './report/ThreatReportDrawer';

/** How many of the cluster's alerts the tab loads (the most recently seen). */
export const CLUSTER_ALERTS_LIMIT = 1000;

/** The address parameter that opens an alert's report, for links from elsewhere. */
export const REPORT_PARAM = 'alert';

function Security() {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = filtersFromSearch(searchParams);
  const openAlertId = searchParams.get(REPORT_PARAM) ?? undefined;
  const [loads, reload] = useReducer((n: number) => n + 1, 0);
  const statuses = statusesOf(filters.status);
  const alerts = useAsync(
    () =>
      api.listClusterThreatAlerts(clusterRef.hub, clusterRef.name, {
        status: statuses,
        limit: CLUSTER_ALERTS_LIMIT,
      }),
    [api, clusterRef.hub, clusterRef.name, statuses?.join(','), loads],
  );

  const setFilters = (next: AlertFilters) =>
    setSearchParams(current => withFilters(current, next), { replace: true });
  const openReport = useCallback(
    (alertId: string | undefined) =>
      setSearchParams(current => {
        const next = new URLSearchParams(current);
        if (alertId) next.set(REPORT_PARAM, alertId);
        else next.delete(REPORT_PARAM);
        return next;
      }),
    [setSearchParams],
  );

  const shown = alerts.value?.items.filter(alert =>
    matchesFilters(alert, filters),
  );
  const columns = [
    ...threatAlertColumns(),
    {
      title: '',
      sorting: false,
      render: (alert: ThreatAlert) => (
        <Button
          size="small"
          color="primary"
          aria-label={`Open the report of ${alert.title} on ${
            alert.subject.name ?? alert.subject.user
          }`}
          onClick={event => {
            event.stopPropagation();
            openReport(alert.id);
          }}
        >
          Report
        </Button>
      ),
    },
  ];

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6} lg={8}>
        <ThreatAlertFilters filters={filters} onChange={setFilters} />
      </Grid>
      <Grid item xs={12} md={6} lg={4}>
        <ResponsePolicyCard onSaved={reload} />
      </Grid>
      {/* The table gets the whole width: its rule and subject columns need it. */}
      <Grid item xs={12}>
        {alerts.error && <ServerErrorPanel error={alerts.error} />}
        {alerts.loading && !alerts.value && <Progress />}
        {shown && (
          <Table<ThreatAlert>
            title={`Threat alerts (${shown.length})`}
            options={{
              paging: shown.length > 20,
              pageSize: 20,
              pageSizeOptions: [20, 50, 100],
              search: false,
              padding: 'dense',
              emptyRowsWhenPaging: false,
            }}
            columns={columns}
            data={shown}
            onRowClick={(_event, alert) => alert && openReport(alert.id)}
            actions={[
              {
                icon: () => <RefreshIcon />,
                tooltip: 'Refresh',
                isFreeAction: true,
                onClick: () => reload(),
              },
            ]}
            emptyContent={
              <Typography style={{ padding: 16 }}>
                No threat alerts
                {filters.level || filters.text ? ' match the filters' : ''}.
              </Typography>
            }
          />
        )}
      </Grid>
      {openAlertId && (
        <ThreatReportDrawer
          alertId={openAlertId}
          onClose={() => openReport(undefined)}
          onChanged={reload}
        />
      )}
    </Grid>
  );
}

/**
 * The Security tab: the cluster's threat alerts from its audit log, filtered by status,
 * likelihood and rule; its response policy; and, with `?alert=<id>` in the address, the report
 * of one alert.
 */
export function SecurityContent() {
  return (
    <ClusterFrame>
      <Security />
    </ClusterFrame>
  );
}
