import {
  METRIC_LABELS,
  METRIC_PANELS,
} from '@hostplane/plugin-hostplane-common';
import { PANELS } from '@hostplane/plugin-hostplane-backend/src/monitoring/panels';
import { clusterImportLines, sampleTimestamps } from '../monitoring/backfill';

const cluster = {
  hub: 'local',
  name: 'cluster-00042',
  owner: 'group:default/team-002',
  etcdMembers: 3,
  pools: [
    { name: 'workers', replicas: 3 },
    { name: 'batch', replicas: 2 },
  ],
};
const timestamps = sampleTimestamps({
  startSeconds: 1_800_000_000,
  endSeconds: 1_800_003_600,
  intervalSeconds: 60,
});
const parsed = () =>
  clusterImportLines(cluster, timestamps).map(
    line =>
      JSON.parse(line) as {
        metric: Record<string, string>;
        values: number[];
        timestamps: number[];
      },
  );

describe('clusterImportLines', () => {
  it('gives every series the cluster labels and a value at each sample time', () => {
    expect(timestamps).toHaveLength(61);
    for (const series of parsed()) {
      expect(series.metric).toMatchObject({
        [METRIC_LABELS.hub]: 'local',
        [METRIC_LABELS.cluster]: 'cluster-00042',
        [METRIC_LABELS.owner]: 'group:default/team-002',
      });
      expect(series.timestamps).toEqual(timestamps);
      expect(series.values).toHaveLength(timestamps.length);
    }
  });

  it('has a series for every metric the panels query, buckets for each etcd member and usage for each node', () => {
    const names = new Set(parsed().map(s => s.metric.__name__));
    const queried = METRIC_PANELS.flatMap(id =>
      PANELS[id].queries.flatMap(
        // Metric names, told from labels and functions by their unit or kind.
        q =>
          q.expr.match(/\b[a-z]+_[a-z_]*(total|bytes|bucket|requests)\b/g) ??
          [],
      ),
    );
    expect(queried.length).toBeGreaterThan(5);
    for (const name of queried) expect(names).toContain(name);
    const fsyncInstances = new Set(
      parsed()
        .filter(
          s =>
            s.metric.__name__ ===
              'etcd_disk_wal_fsync_duration_seconds_bucket' &&
            s.metric.le === '+Inf',
        )
        .map(s => s.metric.instance),
    );
    expect(fsyncInstances.size).toBe(3);
    const nodes = new Set(
      parsed()
        .filter(s => s.metric.__name__ === 'pod_cpu_usage_seconds_total')
        .map(s => `${s.metric.node_pool}/${s.metric.node}`),
    );
    expect(nodes.size).toBe(5);
  });

  it('keeps counters and histogram buckets from going down, and buckets within +Inf', () => {
    const all = parsed();
    for (const series of all.filter(s =>
      /_total$|_bucket$/.test(s.metric.__name__),
    )) {
      series.values.forEach((value, i) => {
        if (i > 0) expect(value).toBeGreaterThanOrEqual(series.values[i - 1]);
      });
    }
    const buckets = all.filter(
      s =>
        s.metric.__name__ === 'apiserver_request_duration_seconds_bucket' &&
        s.metric.verb === 'GET',
    );
    const inf = buckets.find(s => s.metric.le === '+Inf')!;
    for (const bucket of buckets) {
      expect(bucket.values.at(-1)).toBeLessThanOrEqual(inf.values.at(-1)!);
    }
  });

  it('sends the same history for the same cluster, and another for another', () => {
    expect(clusterImportLines(cluster, timestamps)).toEqual(
      clusterImportLines(cluster, timestamps),
    );
    expect(
      clusterImportLines({ ...cluster, name: 'cluster-00043' }, timestamps)[0],
    ).not.toEqual(clusterImportLines(cluster, timestamps)[0]);
  });
});
