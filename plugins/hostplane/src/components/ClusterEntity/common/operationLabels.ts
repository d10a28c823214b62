import { Operation, OperationType } from '@hostplane/plugin-hostplane-common';

const LABELS: Record<OperationType, string> = {
  create: 'Create',
  scale: 'Scale',
  autoscale: 'Autoscale',
  addPool: 'Add node pool',
  removePool: 'Remove node pool',
  upgrade: 'Upgrade',
  hibernate: 'Hibernate',
  resume: 'Resume',
  protect: 'Deletion protection',
  rotateCredentials: 'Rotate credentials',
  backup: 'Back up etcd',
  configureBackups: 'Backup schedule',
  restore: 'Restore etcd in place',
  defragment: 'Defragment etcd',
  recoverEtcdSpace: 'Recover etcd space',
  replaceEtcdMember: 'Replace etcd member',
  delete: 'Delete',
};

export function operationLabel(operation: Pick<Operation, 'type'>): string {
  return LABELS[operation.type] ?? operation.type;
}
