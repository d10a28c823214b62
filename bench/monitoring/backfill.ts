/**
 * History for clusters that were never scraped: the series a real tenant's control plane exposes
 * under the names and labels the Monitoring tab's panels query (plugins/hostplane-backend's
 * `panels.ts`), as VictoriaMetrics' JSON-lines import (`/api/v1/import`) takes them, one line per
 * series with all its samples.
 */
import http from 'node:http';
import { METRIC_LABELS } from '@hostplane/plugin-hostplane-common';
import { prng } from '@hostplane/local-hub';

/** A cluster as the scraper labels its series. */
export interface BackfilledCluster {
  hub: string;
  name: string;
  /** The owner's entity ref. */
  owner: string;
  /** etcd members: 3 for a highly available control plane, 1 otherwise. */
  etcdMembers: number;
  /** Its node pools: each node's resource usage and what it has to allocate. */
  pools: Array<{ name: string; replicas: number }>;
}

/** The sample times, in milliseconds: every `intervalSeconds` from `startSeconds` until `endSeconds`. */
export interface SampleTimes {
  startSeconds: number;
  endSeconds: number;
  intervalSeconds: number;
}

/** The API server's request duration buckets (Kubernetes' own). */
const REQUEST_DURATION_BUCKETS = [
  0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8,
  10, 15, 20, 30, 45, 60,
];
/** etcd's WAL fsync duration buckets (etcd's own). */
const WAL_FSYNC_BUCKETS = [
  0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024,
  2.048, 4.096, 8.192,
];
/** What a quiet control plane serves, by verb: the codes and resources seen, and a typical latency. */
const REQUESTS: Array<{
  verb: string;
  codes: string[];
  resources: string[];
  meanSeconds: number;
}> = [
  {
    verb: 'GET',
    codes: ['200', '404'],
    resources: ['pods', 'configmaps', 'leases', 'namespaces'],
    meanSeconds: 0.008,
  },
  {
    verb: 'LIST',
    codes: ['200'],
    resources: ['pods', 'configmaps', 'nodes'],
    meanSeconds: 0.03,
  },
  {
    verb: 'WATCH',
    codes: ['200'],
    resources: ['pods', 'configmaps', 'nodes'],
    meanSeconds: 40,
  },
  {
    verb: 'POST',
    codes: ['201', '409', '500'],
    resources: ['events', 'pods'],
    meanSeconds: 0.02,
  },
  { verb: 'PUT', codes: ['200'], resources: ['leases'], meanSeconds: 0.012 },
  {
    verb: 'PATCH',
    codes: ['200'],
    resources: ['pods', 'nodes'],
    meanSeconds: 0.015,
  },
  { verb: 'DELETE', codes: ['200'], resources: ['pods'], meanSeconds: 0.02 },
];
/** The share of requests answered with each code, as far as they are not the verb's first. */
const RARE_CODE_SHARE: Record<string, number> = {
  '404': 0.05,
  '409': 0.01,
  '500': 0.001,
};

type Labels = Record<string, string>;

/** One series as a line of `/api/v1/import`, its timestamps given once for all the cluster's. */
function importLine(
  labels: Labels,
  values: number[],
  timestampsJson: string,
): string {
  // Whole numbers where the value is one: counters and bucket counts stay short on the wire.
  const formatted = values.map(v =>
    Number.isInteger(v) ? String(v) : v.toPrecision(6),
  );
  return `{"metric":${JSON.stringify(labels)},"values":[${formatted.join(
    ',',
  )}],"timestamps":${timestampsJson}}\n`;
}

/** The sample times in milliseconds, as a JSON array, shared by every series of a backfill. */
export function sampleTimestamps(times: SampleTimes): number[] {
  const timestamps: number[] = [];
  for (
    let t = times.startSeconds;
    t <= times.endSeconds;
    t += times.intervalSeconds
  ) {
    timestamps.push(t * 1000);
  }
  return timestamps;
}

/** The share of an exponential latency distribution of this mean at or under `le`. */
const exponentialShare = (le: number, mean: number) => 1 - Math.exp(-le / mean);

/**
 * The import lines of one cluster: its API server's request counters and duration histogram and
 * in-flight gauges, each etcd member's database size, quota, leader changes and WAL fsync
 * histogram, and each node's CPU and memory use and allocatable. Counters grow at a rate of the cluster's own (seeded by its name, so two runs send
 * the same history) with some noise; the sums the panels take come out as a real tenant's would.
 */
export function clusterImportLines(
  cluster: BackfilledCluster,
  timestamps: number[],
): string[] {
  const timestampsJson = JSON.stringify(timestamps);
  let seed = 0;
  for (const char of cluster.name) seed = (seed * 31 + char.charCodeAt(0)) | 0;
  const random = prng(seed);
  const tenant = {
    [METRIC_LABELS.hub]: cluster.hub,
    [METRIC_LABELS.cluster]: cluster.name,
    [METRIC_LABELS.owner]: cluster.owner,
  };
  const apiserver = {
    job: 'kube-apiserver',
    instance: '127.0.0.1:6443',
    ...tenant,
  };
  const start = timestamps[0];
  const elapsed = timestamps.map(t => (t - start) / 1000);
  /**
   * A counter at each sample: `perSecond` on average, each interval's increase jittered and
   * rounded up or down at random, so that a rare code's few requests still add up.
   */
  const counter = (perSecond: number) => {
    let total = Math.round(random() * 1000);
    return elapsed.map((_, i) => {
      if (i > 0) {
        const seconds = elapsed[i] - elapsed[i - 1];
        total += Math.floor(
          perSecond * seconds * (0.7 + 0.6 * random()) + random(),
        );
      }
      return total;
    });
  };
  const lines: string[] = [];
  const load = 0.5 + 4 * random();
  for (const { verb, codes, resources, meanSeconds } of REQUESTS) {
    for (const resource of resources) {
      const perSecond = (load * (0.2 + random())) / resources.length;
      codes.forEach((code, index) => {
        const share = index === 0 ? 1 : RARE_CODE_SHARE[code] ?? 0.01;
        lines.push(
          importLine(
            {
              __name__: 'apiserver_request_total',
              ...apiserver,
              verb,
              code,
              resource,
              component: 'apiserver',
            },
            counter(perSecond * share),
            timestampsJson,
          ),
        );
      });
    }
    // The histogram by verb alone: the panel sums over the rest.
    const requests = counter(load * 0.5);
    for (const le of [...REQUEST_DURATION_BUCKETS, Infinity]) {
      const share = le === Infinity ? 1 : exponentialShare(le, meanSeconds);
      lines.push(
        importLine(
          {
            __name__: 'apiserver_request_duration_seconds_bucket',
            ...apiserver,
            verb,
            le: le === Infinity ? '+Inf' : String(le),
            component: 'apiserver',
          },
          requests.map(n => Math.floor(n * share)),
          timestampsJson,
        ),
      );
    }
  }
  for (const kind of ['readOnly', 'mutating']) {
    lines.push(
      importLine(
        {
          __name__: 'apiserver_current_inflight_requests',
          ...apiserver,
          request_kind: kind,
        },
        elapsed.map(() => Math.floor(random() * (kind === 'readOnly' ? 8 : 3))),
        timestampsJson,
      ),
    );
  }
  const dbSize = (20 + 200 * random()) * 2 ** 20;
  for (let member = 0; member < cluster.etcdMembers; member++) {
    const etcd = {
      job: 'etcd',
      instance: `127.0.0.1:${2379 + member * 10}`,
      ...tenant,
    };
    const size = elapsed.map(s => Math.round(dbSize + s * 50));
    const series = (name: string, values: number[], extra: Labels = {}) =>
      lines.push(
        importLine(
          { __name__: name, ...etcd, ...extra },
          values,
          timestampsJson,
        ),
      );
    series('etcd_mvcc_db_total_size_in_bytes', size);
    series(
      'etcd_mvcc_db_total_size_in_use_in_bytes',
      size.map(b => Math.round(b * (0.6 + 0.3 * random()))),
    );
    series(
      'etcd_server_quota_backend_bytes',
      elapsed.map(() => 8 * 2 ** 30),
    );
    // One election at the start and one halfway: the leader-changes panel has a step to show.
    const halfway = elapsed[elapsed.length - 1] / 2;
    series(
      'etcd_server_leader_changes_seen_total',
      elapsed.map(s => (s > halfway ? 2 : 1)),
    );
    const fsyncs = counter(2 + 10 * random());
    for (const le of [...WAL_FSYNC_BUCKETS, Infinity]) {
      const share = le === Infinity ? 1 : exponentialShare(le, 0.004);
      series(
        'etcd_disk_wal_fsync_duration_seconds_bucket',
        fsyncs.map(n => Math.floor(n * share)),
        { le: le === Infinity ? '+Inf' : String(le) },
      );
    }
  }
  // Each node's usage, as the hub reports it for the machine behind it, and its allocatable.
  let hubNode = 0;
  for (const pool of cluster.pools) {
    const cores = [2, 4, 8][Math.floor(random() * 3)];
    for (let index = 0; index < pool.replicas; index++) {
      const node = {
        job: 'node-resources',
        instance: `hub-node-${hubNode++ % 8}`,
        ...tenant,
        node: `${cluster.name}-${pool.name}-${index}`,
        node_pool: pool.name,
      };
      const series = (name: string, values: number[], extra: Labels = {}) =>
        lines.push(
          importLine(
            { __name__: name, ...node, ...extra },
            values,
            timestampsJson,
          ),
        );
      const busy = 0.1 + 0.6 * random();
      series('pod_cpu_usage_seconds_total', counter(cores * busy));
      series(
        'pod_memory_working_set_bytes',
        elapsed.map(() => Math.round(cores * 2 ** 30 * (1 + 2 * random()))),
      );
      series(
        'kube_pod_container_resource_requests',
        elapsed.map(() => cores),
        { resource: 'cpu' },
      );
      series(
        'kube_pod_container_resource_requests',
        elapsed.map(() => cores * 4 * 2 ** 30),
        { resource: 'memory' },
      );
    }
  }
  return lines;
}

/**
 * Sends the clusters' history to VictoriaMetrics' `/api/v1/import`, `concurrency` requests at a
 * time, each streaming the lines of one cluster after another as they are made (no file, no
 * whole body in memory). Returns the series and samples sent.
 */
export async function importClusters(options: {
  victoriaMetricsUrl: string;
  clusters: BackfilledCluster[];
  times: SampleTimes;
  concurrency?: number;
  onProgress?: (clustersDone: number) => void;
}): Promise<{ series: number; samples: number }> {
  const timestamps = sampleTimestamps(options.times);
  let next = 0;
  let done = 0;
  let series = 0;
  const worker = () =>
    new Promise<void>((resolve, reject) => {
      const request = http.request(
        new URL('/api/v1/import', options.victoriaMetricsUrl),
        { method: 'POST', headers: { 'Content-Type': 'application/json' } },
        response => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', chunk => (text += chunk));
          response.on('end', () =>
            (response.statusCode ?? 0) < 300
              ? resolve()
              : reject(
                  new Error(
                    `VictoriaMetrics refused the import: ${
                      response.statusCode
                    } ${text.slice(0, 300)}`,
                  ),
                ),
          );
        },
      );
      request.on('error', reject);
      const writeMore = () => {
        while (next < options.clusters.length) {
          const lines = clusterImportLines(
            options.clusters[next++],
            timestamps,
          );
          series += lines.length;
          done += 1;
          options.onProgress?.(done);
          if (!request.write(lines.join(''))) {
            request.once('drain', writeMore);
            return;
          }
        }
        request.end();
      };
      writeMore();
    });
  await Promise.all(
    Array.from({ length: options.concurrency ?? 2 }, () => worker()),
  );
  return { series, samples: series * timestamps.length };
}
