import { Header, Page, TabbedLayout } from '@backstage/core-components';
import { ClustersPage } from './ClustersPage';
import { HubsPage } from './HubsPage';

/** Hostplane's page: the tenant clusters, and the hubs they run on. */
export function HostplanePage() {
  return (
    <Page themeId="tool">
      <Header
        title="Hostplane"
        subtitle="Tenant Kubernetes clusters on hub clusters"
      />
      <TabbedLayout>
        <TabbedLayout.Route path="/" title="Clusters">
          <ClustersPage />
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/hubs" title="Hubs">
          <HubsPage />
        </TabbedLayout.Route>
      </TabbedLayout>
    </Page>
  );
}
