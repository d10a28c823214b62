import { useState } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import useAsync from 'react-use/esm/useAsync';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { ClusterFrame } from '../common/ClusterFrame';
import { useClusterView } from '../common/ClusterViewContext';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import { AuditView } from './AuditView';
import { EventsView } from './EventsView';
import { LiveLogView } from './LiveLogView';
import { SearchView } from './SearchView';

const VIEWS = ['Live', 'Search', 'Audit', 'Events'] as const;

function Logs() {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const [view, setView] = useState<(typeof VIEWS)[number]>('Live');
  const store = useAsync(
    () => api.getLogStoreStatus(clusterRef.hub, clusterRef.name),
    [api, clusterRef.hub, clusterRef.name, view],
  );
  return (
    <Box>
      <Tabs
        value={view}
        onChange={(_event, value) => setView(value)}
        indicatorColor="primary"
      >
        {VIEWS.map(name => (
          <Tab key={name} value={name} label={name} />
        ))}
      </Tabs>
      <Box pt={2}>
        {view === 'Live' && <LiveLogView />}
        {view === 'Events' && <EventsView />}
        {(view === 'Search' || view === 'Audit') && (
          <>
            {store.error && <ServerErrorPanel error={store.error} />}
            {store.loading && !store.value && <Progress />}
            {store.value && view === 'Search' && (
              <SearchView store={store.value} />
            )}
            {store.value && view === 'Audit' && (
              <AuditView store={store.value} />
            )}
          </>
        )}
      </Box>
    </Box>
  );
}

/**
 * The logs tab: a control-plane container's log live, search over the hub's log store, the
 * tenant API server's audit events, and the tenant's Kubernetes events.
 */
export function LogsContent() {
  return (
    <ClusterFrame>
      <Logs />
    </ClusterFrame>
  );
}
