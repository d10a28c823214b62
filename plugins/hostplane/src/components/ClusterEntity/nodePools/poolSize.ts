import { NodePoolStatus } from '@hostplane/plugin-hostplane-common';

/** The size a pool is asked to have: its replicas, or its autoscaling range. */
export function poolSize(pool: NodePoolStatus): string {
  if (pool.autoscaling) {
    return `${pool.autoscaling.min}–${pool.autoscaling.max} (autoscaling)`;
  }
  if (pool.phase === 'Hibernated' && pool.hibernatedReplicas !== undefined) {
    return `0 (${pool.hibernatedReplicas} on resume)`;
  }
  return pool.replicas === undefined ? '—' : String(pool.replicas);
}
