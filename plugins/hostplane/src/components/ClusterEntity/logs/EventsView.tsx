import { Table, TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import useAsync from 'react-use/esm/useAsync';
import { TenantEvent } from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { useClusterView } from '../common/ClusterViewContext';
import { formatTime } from '../common/formatTime';
import { ServerErrorPanel } from '../common/ServerErrorPanel';

const columns: TableColumn<TenantEvent>[] = [
  { title: 'Type', field: 'type' },
  { title: 'Reason', field: 'reason' },
  { title: 'Object', field: 'object' },
  { title: 'Namespace', render: e => e.namespace ?? '' },
  { title: 'Message', field: 'message' },
  { title: 'Count', field: 'count' },
  { title: 'Last seen', render: e => formatTime(e.lastSeen) },
];

/** The tenant's Kubernetes events, warnings first. */
export function EventsView() {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const events = useAsync(
    () => api.listTenantEvents(clusterRef.hub, clusterRef.name),
    [api, clusterRef.hub, clusterRef.name],
  );
  if (events.error) return <ServerErrorPanel error={events.error} />;
  return (
    <Table<TenantEvent>
      title="Kubernetes events"
      isLoading={events.loading}
      columns={columns}
      data={events.value?.items ?? []}
      options={{ paging: true, pageSize: 20, search: true }}
      emptyContent={<Box p={2}>The cluster has no events.</Box>}
    />
  );
}
