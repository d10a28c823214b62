import { Table, TableColumn } from '@backstage/core-components';
import { KubeconfigIssuance } from '@hostplane/plugin-hostplane-common';
import { IssuanceStatus } from './IssuanceStatus';

const columns: TableColumn<KubeconfigIssuance>[] = [
  { title: 'User', field: 'user', highlight: true },
  { title: 'Issued', field: 'issuedAt', type: 'datetime' },
  { title: 'Expires', field: 'expiresAt', type: 'datetime' },
  { title: 'Serial', field: 'serial' },
  {
    title: 'Status',
    render: issuance => <IssuanceStatus issuance={issuance} />,
  },
];

/** Every kubeconfig Hostplane handed out for the cluster, as recorded (never the credential). */
export function IssuancesTable({
  issuances,
}: {
  issuances: KubeconfigIssuance[];
}) {
  return (
    <Table<KubeconfigIssuance>
      title="Issued kubeconfigs"
      options={{
        paging: issuances.length > 20,
        pageSize: 20,
        search: false,
        padding: 'dense',
      }}
      columns={columns}
      data={issuances}
      emptyContent="No kubeconfig has been issued for this cluster."
    />
  );
}
