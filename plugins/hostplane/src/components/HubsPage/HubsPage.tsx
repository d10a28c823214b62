import {
  Content,
  ContentHeader,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusWarning,
  SupportButton,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { HubStatus } from '@hostplane/plugin-hostplane-common';
import useAsync from 'react-use/esm/useAsync';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';

function HubHealth({ hub }: { hub: HubStatus }) {
  if (!hub.reachable) {
    return <StatusError>Unreachable: {hub.error}</StatusError>;
  }
  if (hub.missingApis.length > 0) {
    return (
      <StatusWarning>Missing APIs: {hub.missingApis.join(', ')}</StatusWarning>
    );
  }
  return <StatusOK>Ready</StatusOK>;
}

const columns: TableColumn<HubStatus>[] = [
  { title: 'Hub', field: 'name', highlight: true },
  { title: 'API server', field: 'server' },
  { title: 'Kubernetes', field: 'kubernetesVersion', emptyValue: '—' },
  { title: 'Status', render: hub => <HubHealth hub={hub} /> },
];

/** The hubs Hostplane runs tenant clusters on, and whether each is ready for them. */
export function HubsPage() {
  const api = useApi(hostplaneApiRef);
  const { value, loading, error } = useAsync(() => api.listHubs(), [api]);

  return (
    <Content>
      <ContentHeader title="Hubs">
        <SupportButton>
          Hub clusters host the control planes of tenant clusters. They are
          configured under hostplane.hubs in app-config.yaml.
        </SupportButton>
      </ContentHeader>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <Table<HubStatus>
          title={`Hubs (${value.items.length})`}
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={columns}
          data={value.items}
        />
      )}
    </Content>
  );
}
