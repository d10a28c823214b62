import { Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import { NodePoolStatus } from '@hostplane/plugin-hostplane-common';
import { PhaseStatus } from '../../ClustersPage/PhaseChip';
import { AutoscalePoolAction } from './AutoscalePoolAction';
import { poolSize } from './poolSize';
import { RemovePoolAction } from './RemovePoolAction';
import { ScalePoolAction } from './ScalePoolAction';

const sizeColumns: TableColumn<NodePoolStatus>[] = [
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
  const columns: TableColumn<NodePoolStatus>[] = [
    ...sizeColumns,
    {
      title: 'Actions',
      render: pool => (
        <Box display="flex" style={{ gap: 4 }}>
          <ScalePoolAction pool={pool} blockedReason={blockedReason} />
          <AutoscalePoolAction pool={pool} blockedReason={blockedReason} />
          <RemovePoolAction pool={pool} blockedReason={blockedReason} />
        </Box>
      ),
    },
  ];
  return (
    <Table<NodePoolStatus>
      title="Node pools"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={pools}
    />
  );
}
