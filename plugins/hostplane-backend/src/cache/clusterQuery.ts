import {
  ClusterPhase,
  ClusterSortField,
  ClusterStatus,
  ListClustersResponse,
  listClustersQuerySchema,
  ownerName,
} from '@hostplane/plugin-hostplane-common';
import { z } from 'zod';

export type ClusterQuery = z.output<typeof listClustersQuerySchema>;

/** One page of a list as the cache holds it: whole statuses, summarized when written out. */
export type ClusterPage = Omit<
  ListClustersResponse,
  'items' | 'incompleteHubs'
> & { items: ClusterStatus[] };

/** A page as the cache answers it: with the hubs whose clusters are not all known yet. */
export type ClusterListPage = ClusterPage &
  Pick<ListClustersResponse, 'incompleteHubs'>;

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

/** The clusters in one sort order, and the same order per owner (an owner's page reads only theirs). */
interface SortedView {
  generation: number;
  items: ClusterStatus[];
  byOwner: Map<string, ClusterStatus[]>;
}

/**
 * Lists clusters in every sort order on demand and keeps each order until the set changes: at
 * steady state a page view is a filter over an already sorted array (one owner's clusters, when
 * the page is filtered by owner, as most are) and a slice.
 */
export class ClusterIndex {
  private generation = 0;
  private readonly sorted = new Map<ClusterSortField, SortedView>();

  constructor(private readonly all: () => ClusterStatus[]) {}

  /** Called whenever a cluster's status changes, appears or goes. */
  invalidate(): void {
    this.generation++;
  }

  private sortedBy(field: ClusterSortField): SortedView {
    const cached = this.sorted.get(field);
    if (cached?.generation === this.generation) return cached;
    const key = sortKey[field];
    const items = this.all().sort(
      (a, b) =>
        compare(key(a), key(b)) ||
        compare(a.name, b.name) ||
        compare(a.hub, b.hub),
    );
    const byOwner = new Map<string, ClusterStatus[]>();
    for (const cluster of items) {
      const owner = ownerName(cluster.owner);
      let clusters = byOwner.get(owner);
      if (!clusters) {
        clusters = [];
        byOwner.set(owner, clusters);
      }
      clusters.push(cluster);
    }
    const view = { generation: this.generation, items, byOwner };
    this.sorted.set(field, view);
    return view;
  }

  query(
    query: ClusterQuery,
    allowed: (cluster: ClusterStatus) => boolean,
  ): ClusterPage {
    const view = this.sortedBy(query.sort);
    // A cluster matches an owner given as a name or as a full entity ref; both share its name.
    const candidates = query.owner
      ? view.byOwner.get(ownerName(query.owner)) ?? []
      : view.items;
    const matches = filterExceptPhase(query);
    const matchesOthers = (cluster: ClusterStatus) =>
      matches(cluster) && allowed(cluster);
    const phaseCounts: Partial<Record<ClusterPhase, number>> = {};
    const matching: ClusterStatus[] = [];
    for (const cluster of candidates) {
      if (!matchesOthers(cluster)) continue;
      phaseCounts[cluster.phase] = (phaseCounts[cluster.phase] ?? 0) + 1;
      if (!query.phase || cluster.phase === query.phase) matching.push(cluster);
    }
    if (query.order === 'desc') matching.reverse();
    return {
      items: matching.slice(query.offset, query.offset + query.limit),
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
