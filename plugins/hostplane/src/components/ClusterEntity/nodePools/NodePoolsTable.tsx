import { Table, TableColumn } from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import { NodePoolStatus } from '@hostplane/plugin-hostplane-common';
import { PhaseStatus } from '../../ClustersPage/PhaseChip';
import { PoolActionsMenu } from './PoolActionsMenu';
import { poolSize } from './poolSize';

/**
 * A pool as a table row. The table keeps a row (and what is open in it, such as its actions
 * menu) across reloads of the cluster only when the row has an `id`.
 */
type PoolRow = NodePoolStatus & { id: string };

const sizeColumns: TableColumn<PoolRow>[] = [
  { title: 'Pool', field: 'name', highlight: true },
  { title: 'Size', render: pool => poolSize(pool) },
  { title: 'Machines', field: 'currentReplicas' },
  { title: 'vCPUs', field: 'vcpu', emptyValue: '—' },
  { title: 'Memory (GiB)', field: 'memoryGiB', emptyValue: '—' },
  { title: 'Disk (GiB)', field: 'diskGiB', emptyValue: '—' },
  {
    title: 'Phase',
    render: pool => (
      <Tooltip title={[pool.reason, pool.message].filter(Boolean).join(': ')}>
        <span>
          <PhaseStatus phase={pool.phase} />
        </span>
      </Tooltip>
    ),
  },
  { title: 'Version', field: 'version', emptyValue: '—' },
];

/** The cluster's node pools with their sizes, and what can be done to each. */
export function NodePoolsTable({
  pools,
  blockedReason,
}: {
  pools: NodePoolStatus[];
  blockedReason?: string;
}) {
  const columns: TableColumn<PoolRow>[] = [
    ...sizeColumns,
    {
      title: 'Actions',
      render: pool => (
        <PoolActionsMenu pool={pool} blockedReason={blockedReason} />
      ),
    },
  ];
  return (
    <Table<PoolRow>
      title="Node pools"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={pools.map(pool => ({ ...pool, id: pool.name }))}
    />
  );
}
