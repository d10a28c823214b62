import {
  ClusterPhase,
  ClusterSortField,
  ClusterStatus,
  ListClustersResponse,
  listClustersQuerySchema,
  ownerName,
  summarizeCluster,
} from '@hostplane/plugin-hostplane-common';
import { z } from 'zod';

export type ClusterQuery = z.output<typeof listClustersQuerySchema>;

const sortKey: Record<ClusterSortField, (c: ClusterStatus) => string> = {
  name: c => c.name,
  owner: c => c.owner,
  phase: c => c.phase,
  version: c => versionSortKey(c.version),
  hub: c => c.hub,
  createdAt: c => c.createdAt ?? '',
};

/** Versions sort numerically (v1.9 before v1.10); unknown versions first. */
function versionSortKey(version: string | undefined): string {
  const match = /^v(\d+)\.(\d+)\.(\d+)/.exec(version ?? '');
  return match
    ? match
        .slice(1)
        .map(part => part.padStart(5, '0'))
        .join('.')
    : '';
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/**
 * Lists clusters in every sort order on demand and keeps each order until the set changes: at
 * steady state a page view is a filter over an already sorted array and a slice.
 */
export class ClusterIndex {
  private generation = 0;
  private readonly sorted = new Map<
    ClusterSortField,
    { generation: number; items: ClusterStatus[] }
  >();

  constructor(private readonly all: () => ClusterStatus[]) {}

  /** Called whenever a cluster's status changes, appears or goes. */
  invalidate(): void {
    this.generation++;
  }

  private sortedBy(field: ClusterSortField): ClusterStatus[] {
    const cached = this.sorted.get(field);
    if (cached?.generation === this.generation) return cached.items;
    const key = sortKey[field];
    const items = this.all().sort(
      (a, b) =>
        compare(key(a), key(b)) ||
        compare(a.name, b.name) ||
        compare(a.hub, b.hub),
    );
    this.sorted.set(field, { generation: this.generation, items });
    return items;
  }

  query(
    query: ClusterQuery,
    allowed: (cluster: ClusterStatus) => boolean,
  ): Omit<ListClustersResponse, 'incompleteHubs'> {
    const sorted = this.sortedBy(query.sort);
    const matches = filterExceptPhase(query);
    const matchesOthers = (cluster: ClusterStatus) =>
      matches(cluster) && allowed(cluster);
    const phaseCounts: Partial<Record<ClusterPhase, number>> = {};
    const matching: ClusterStatus[] = [];
    for (const cluster of sorted) {
      if (!matchesOthers(cluster)) continue;
      phaseCounts[cluster.phase] = (phaseCounts[cluster.phase] ?? 0) + 1;
      if (!query.phase || cluster.phase === query.phase) matching.push(cluster);
    }
    if (query.order === 'desc') matching.reverse();
    return {
      items: matching
        .slice(query.offset, query.offset + query.limit)
        .map(summarizeCluster),
      totalCount: matching.length,
      phaseCounts,
    };
  }
}

function filterExceptPhase(query: ClusterQuery): (c: ClusterStatus) => boolean {
  const text = query.text?.toLowerCase();
  return cluster =>
    (!query.hub || cluster.hub === query.hub) &&
    (!query.owner ||
      cluster.owner === query.owner ||
      ownerName(cluster.owner) === query.owner) &&
    (!query.version ||
      cluster.version === query.version ||
      (cluster.version ?? '').startsWith(`${query.version}.`)) &&
    (!text ||
      cluster.name.includes(text) ||
      cluster.owner.toLowerCase().includes(text) ||
      Object.values(cluster.labels).some(v => v.toLowerCase().includes(text)));
}
