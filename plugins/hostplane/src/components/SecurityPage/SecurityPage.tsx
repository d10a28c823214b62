import { useState } from 'react';
import {
  Content,
  ContentHeader,
  Header,
  Link,
  Page,
  Progress,
  SupportButton,
  Table,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';
import {
  LikelihoodLevel,
  ThreatAlert,
  clusterEntityRef,
} from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { ServerErrorPanel } from '../ClusterEntity/common/ServerErrorPanel';
import { threatAlertColumns } from '../ClusterEntity/security/alertColumns';
import {
  filtersFromSearch,
  matchesFilters,
  statusesOf,
  withFilters,
} from '../ClusterEntity/security/alertFilters';
import { ThreatAlertFilters } from '../ClusterEntity/security/ThreatAlertFilters';
import { LEVELS_HIGHEST_FIRST } from '../ClusterEntity/security/threatPresentation';

/** How many alerts the page may ask for: the server's most recently seen, never all of them. */
export const LIMITS = [100, 500, 1000];
const DEFAULT_LIMIT = 500;
const PAGE_SIZE = 50;

/** The address of an alert's report: its cluster's Security tab with `?alert=`. */
function useReportLink() {
  const entityLink = useEntityRefLink();
  return (alert: ThreatAlert) =>
    `${entityLink(
      clusterEntityRef(alert.hub, alert.cluster),
    )}/security?alert=${encodeURIComponent(alert.id)}`;
}

/**
 * The threat alerts of every cluster the user may read, for platform teams: counted by
 * likelihood, filtered by status (on the server), likelihood and text, each linking to its
 * report on the cluster's Security tab. The server answers at most `limit` alerts, the most
 * recently seen, however many clusters there are; the table pages through them.
 */
export function SecurityPage() {
  const api = useApi(hostplaneApiRef);
  const reportLink = useReportLink();
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = filtersFromSearch(searchParams);
  const [limit, setLimit] = useState(() => {
    const asked = Number(searchParams.get('limit'));
    return LIMITS.includes(asked) ? asked : DEFAULT_LIMIT;
  });
  const statuses = statusesOf(filters.status);
  const alerts = useAsync(
    () => api.listThreatAlerts({ status: statuses, limit }),
    [api, statuses?.join(','), limit],
  );

  const byText = alerts.value?.items.filter(alert =>
    matchesFilters(alert, { ...filters, level: undefined }),
  );
  const counts = new Map<LikelihoodLevel, number>();
  for (const alert of byText ?? []) {
    counts.set(alert.level, (counts.get(alert.level) ?? 0) + 1);
  }
  const shown = byText?.filter(
    alert => !filters.level || alert.level === filters.level,
  );
  const columns = [
    ...threatAlertColumns({
      cluster: alert => (
        <Link to={reportLink(alert)}>
          {alert.cluster}
          <Typography variant="caption" color="textSecondary" display="block">
            {alert.hub}
          </Typography>
        </Link>
      ),
    }),
    {
      title: '',
      sorting: false,
      render: (alert: ThreatAlert) => (
        <Link
          to={reportLink(alert)}
          aria-label={`The report of ${alert.title} on ${alert.cluster}`}
        >
          Report
        </Link>
      ),
    },
  ];
  const limited = alerts.value && alerts.value.items.length >= limit;

  return (
    <Page themeId="tool">
      <Header
        title="Security"
        subtitle="Threat alerts from the audit logs of every cluster"
      />
      <Content>
        <ContentHeader title="Threat alerts">
          <SupportButton>
            Threat alerts raised from the audit logs of every cluster you may
            see. Open one to read its report on the cluster&apos;s Security tab.
          </SupportButton>
        </ContentHeader>
        <Box
          display="flex"
          flexWrap="wrap"
          alignItems="center"
          mb={2}
          style={{ gap: 8 }}
        >
          <ThreatAlertFilters
            filters={filters}
            onChange={next =>
              setSearchParams(current => withFilters(current, next), {
                replace: true,
              })
            }
            textLabel="Cluster, rule or subject"
          />
          <TextField
            id="threat-limit"
            select
            size="small"
            variant="outlined"
            label="At most"
            value={limit}
            onChange={event => {
              const next = Number(event.target.value);
              setLimit(next);
              setSearchParams(
                current => {
                  const params = new URLSearchParams(current);
                  params.set('limit', String(next));
                  return params;
                },
                { replace: true },
              );
            }}
          >
            {LIMITS.map(candidate => (
              <MenuItem key={candidate} value={candidate}>
                {candidate} alerts
              </MenuItem>
            ))}
          </TextField>
        </Box>
        <Box display="flex" flexWrap="wrap" mb={2} style={{ gap: 8 }}>
          {LEVELS_HIGHEST_FIRST.map(level => (
            <Chip
              key={level}
              label={`${level} ${counts.get(level) ?? 0}`}
              color={filters.level === level ? 'primary' : 'default'}
              aria-pressed={filters.level === level}
              onClick={() =>
                setSearchParams(
                  current =>
                    withFilters(current, {
                      ...filters,
                      level: filters.level === level ? undefined : level,
                    }),
                  { replace: true },
                )
              }
            />
          ))}
        </Box>
        {alerts.error && <ServerErrorPanel error={alerts.error} />}
        {alerts.loading && <Progress />}
        {limited && (
          <Typography variant="body2" color="textSecondary" paragraph>
            The {limit} most recently seen alerts: narrow the status or raise
            the limit to see older ones.
          </Typography>
        )}
        {shown && (
          <Table<ThreatAlert>
            title={`Threat alerts (${shown.length})`}
            options={{
              paging: true,
              pageSize: PAGE_SIZE,
              pageSizeOptions: [20, 50, 100],
              search: false,
              padding: 'dense',
              emptyRowsWhenPaging: false,
            }}
            columns={columns}
            data={shown}
            emptyContent={
              <Typography style={{ padding: 16 }}>
                No threat alerts
                {filters.level || filters.text ? ' match the filters' : ''}.
              </Typography>
            }
          />
        )}
      </Content>
    </Page>
  );
}
