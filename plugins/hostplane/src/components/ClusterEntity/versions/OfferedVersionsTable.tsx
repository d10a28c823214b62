import { Table, TableColumn } from '@backstage/core-components';
import { ClusterStatus } from '@hostplane/plugin-hostplane-common';
import { UpgradeAction } from './UpgradeAction';
import { upgradeProblem } from './upgradeChecks';

interface Row {
  version: string;
  problem?: string;
}

/** The versions the hub offers that are newer than the cluster's, and whether each can be had now. */
export function OfferedVersionsTable({
  cluster,
  versions,
  blockedReason,
}: {
  cluster: ClusterStatus;
  versions: string[];
  blockedReason?: string;
}) {
  const rows: Row[] = versions.map(version => ({
    version,
    problem: upgradeProblem(cluster, version),
  }));
  const columns: TableColumn<Row>[] = [
    { title: 'Version', field: 'version', highlight: true },
    {
      title: 'Can upgrade?',
      render: row => row.problem ?? 'Yes',
    },
    {
      title: '',
      render: row => (
        <UpgradeAction
          version={row.version}
          blockedReason={blockedReason ?? row.problem}
        />
      ),
    },
  ];
  return (
    <Table<Row>
      title="Newer versions on this hub"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={rows}
      emptyContent={`The hub offers nothing newer than ${
        cluster.spec?.version ?? cluster.version ?? 'this version'
      }.`}
    />
  );
}
