import {
  ClusterStatus,
  summarizeCluster,
} from '@hostplane/plugin-hostplane-common';
import { ClusterListPage } from '../cache/clusterQuery';

/**
 * Writes `GET /clusters` answers as JSON, each cluster's summary serialized once per status
 * instead of once per page view (summarizing and serializing was most of what a list page cost
 * beyond the request itself). The hub caches replace a cluster's status object whenever anything
 * in it changes and never change one in place, so the JSON kept for a status object is right for
 * as long as the object lives; a WeakMap lets the two go together.
 */
export class ListResponseJson {
  private readonly summaries = new WeakMap<ClusterStatus, string>();

  write(page: ClusterListPage): string {
    const { items, ...rest } = page;
    const summaries = items.map(cluster => this.summaryOf(cluster)).join(',');
    // `rest` always has totalCount, so its JSON is `{...}`: the items go in front of its fields.
    return `{"items":[${summaries}],${JSON.stringify(rest).slice(1)}`;
  }

  private summaryOf(cluster: ClusterStatus): string {
    let json = this.summaries.get(cluster);
    if (json === undefined) {
      json = JSON.stringify(summarizeCluster(cluster));
      this.summaries.set(cluster, json);
    }
    return json;
  }
}
