import { useState } from 'react';
import { Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import {
  AuditEvent,
  AuditSearchRequest,
  LogStoreStatus,
} from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { useClusterView } from '../common/ClusterViewContext';
import { formatTime } from '../common/formatTime';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import {
  FilterBar,
  LogStoreUnavailable,
  TimeRangeSelect,
  rangeEndingNow,
} from './LogFilters';

const columns: TableColumn<AuditEvent>[] = [
  { title: 'Time', render: e => formatTime(e.time) },
  { title: 'User', field: 'user' },
  { title: 'Verb', field: 'verb' },
  {
    title: 'Resource',
    render: e =>
      [e.resource, e.subresource].filter(Boolean).join('/') || e.requestURI,
  },
  { title: 'Namespace', render: e => e.namespace ?? '' },
  { title: 'Name', render: e => e.name ?? '' },
  { title: 'Code', render: e => (e.code === undefined ? '' : e.code) },
  { title: 'From', render: e => e.sourceIPs.join(', ') },
];

const FILTERS = ['user', 'verb', 'resource', 'namespace', 'code'] as const;

/** The tenant API server's audit events: who did what, when, from where, and the answer. */
export function AuditView({ store }: { store: LogStoreStatus }) {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const [range, setRange] = useState('1h');
  const [filters, setFilters] = useState<Record<string, string>>({});
  const [result, run] = useAsyncFn(async () => {
    const request: AuditSearchRequest = rangeEndingNow(range);
    for (const key of FILTERS) {
      const value = filters[key]?.trim();
      if (value) Object.assign(request, { [key]: value });
    }
    return api.searchAuditEvents(clusterRef.hub, clusterRef.name, request);
  }, [api, clusterRef.hub, clusterRef.name, range, filters]);

  if (!store.configured || !store.reachable) {
    return <LogStoreUnavailable store={store} />;
  }
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <FilterBar submitLabel="Show audit events" onSubmit={run}>
        <TimeRangeSelect
          id="audit-range"
          value={range}
          onChange={setRange}
          store={store}
        />
        {FILTERS.map(key => (
          <TextField
            key={key}
            id={`audit-${key}`}
            label={key[0].toUpperCase() + key.slice(1)}
            value={filters[key] ?? ''}
            onChange={event =>
              setFilters({ ...filters, [key]: event.target.value })
            }
          />
        ))}
      </FilterBar>
      {result.error && <ServerErrorPanel error={result.error} />}
      {(result.loading || result.value) && (
        <Table<AuditEvent>
          title="Audit events"
          subtitle={
            result.value?.limited
              ? `The newest ${result.value.limit}: narrow the filters for the rest`
              : undefined
          }
          isLoading={result.loading}
          columns={columns}
          data={result.value?.items ?? []}
          options={{ paging: true, pageSize: 20, search: false }}
          emptyContent={<Box p={2}>No audit events match.</Box>}
        />
      )}
    </Box>
  );
}
