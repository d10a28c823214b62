import { Table, TableColumn } from '@backstage/core-components';
import { ClusterCondition } from '@hostplane/plugin-hostplane-common';

const columns: TableColumn<ClusterCondition>[] = [
  { title: 'Type', field: 'type', highlight: true },
  { title: 'Status', field: 'status' },
  { title: 'Reason', field: 'reason', emptyValue: '—' },
  { title: 'Message', field: 'message', emptyValue: '—' },
  {
    title: 'Last transition',
    field: 'lastTransitionTime',
    type: 'datetime',
    emptyValue: '—',
  },
];

/** The upstream conditions, with their reasons and messages as the operators wrote them. */
export function ConditionsTable({
  conditions,
}: {
  conditions: ClusterCondition[];
}) {
  return (
    <Table<ClusterCondition>
      title="Conditions"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={conditions}
      emptyContent="No conditions reported yet."
    />
  );
}
