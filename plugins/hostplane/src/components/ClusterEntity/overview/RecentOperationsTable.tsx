import { Table, TableColumn } from '@backstage/core-components';
import { Operation } from '@hostplane/plugin-hostplane-common';
import { operationLabel } from '../common/operationLabels';
import { OperationState } from '../common/OperationState';

const columns: TableColumn<Operation>[] = [
  { title: 'Operation', render: operation => operationLabel(operation) },
  {
    title: 'State',
    render: operation => <OperationState state={operation.state} />,
    cellStyle: { whiteSpace: 'nowrap' },
  },
  {
    title: 'Progress',
    render: operation => `${Math.round(operation.progress * 100)}%`,
  },
  { title: 'Asked for by', field: 'createdBy' },
  { title: 'Started', field: 'createdAt', type: 'datetime' },
  { title: 'Finished', field: 'finishedAt', type: 'datetime', emptyValue: '—' },
  { title: 'Error', field: 'error', emptyValue: '—' },
  {
    title: 'ID',
    // Ids are UUIDs: the first 8 characters tell a cluster's operations apart, and the whole id
    // (which error messages name) is a hover away.
    render: operation => (
      <span title={operation.id}>{operation.id.slice(0, 8)}</span>
    ),
  },
];

/** The cluster's latest operations, newest first. */
export function RecentOperationsTable({
  operations,
}: {
  operations: Operation[];
}) {
  return (
    <Table<Operation>
      title="Recent operations"
      options={{ paging: false, search: false, padding: 'dense' }}
      columns={columns}
      data={operations}
      emptyContent="Nothing has been done to this cluster through Hostplane yet."
    />
  );
}
