/**
 * Control-plane log lines for clusters that never ran: klog lines of the API server, controller
 * manager and scheduler and etcd's JSON lines, spread over a time range, written into
 * VictoriaLogs' JSON-lines ingestion (`/insert/jsonline`) in the streams and tenants the local
 * hub's collector gives a real tenant's lines (packages/local-hub's `logs/`).
 */
import {
  LOG_STREAM_FIELDS,
  logTenantOf,
} from '@hostplane/plugin-hostplane-common';
import { prng } from '@hostplane/local-hub';

/** A cluster whose lines are written, as its HostedCluster names it. */
export interface LoggedCluster {
  hub: string;
  namespace: string;
  name: string;
  etcdMembers: number;
}

/** The words of the word search: in about one line in 200, as a timeout would be. */
export const RARE_PHRASE = 'context deadline exceeded';

const KLOG_MESSAGES: Record<string, Array<(n: () => number) => string>> = {
  'kube-apiserver': [
    n =>
      `httplog.go:134] "HTTP" verb="GET" URI="/api/v1/namespaces/kube-system/pods?limit=500" latency="${n()}.2ms" userAgent="kube-controller-manager/v1.37.2" audit-ID="${n()}-${n()}" srcIP="127.0.0.1:${
        40000 + n()
      }" resp=200`,
    () =>
      `controller.go:624] quota admission added evaluator for: leases.coordination.k8s.io`,
    n =>
      `alloc.go:330] "allocated clusterIPs" service="default/svc-${n()}" clusterIPs={"IPv4":"10.96.${
        n() % 255
      }.${n() % 255}"}`,
    n =>
      `handler.go:286] Adding GroupVersion apps v1 to ResourceManager; watch cache resized to ${n()}`,
    () =>
      `authentication.go:73] "Unable to authenticate the request" err="[invalid bearer token, ${RARE_PHRASE}]"`,
  ],
  'kube-controller-manager': [
    n =>
      `replica_set.go:679] "Finished syncing" logger="replicaset-controller" kind="ReplicaSet" key="default/web-${n()}" duration="${n()}.1µs"`,
    n =>
      `event.go:389] "Event occurred" object="default/web-${n()}" fieldPath="" kind="Deployment" apiVersion="apps/v1" type="Normal" reason="ScalingReplicaSet" message="Scaled up replica set web-${n()} to 2"`,
    n =>
      `node_lifecycle_controller.go:1045] "Node is NotReady" logger="node-lifecycle-controller" node="worker-${
        n() % 10
      }"`,
    n =>
      `garbagecollector.go:826] "failed to discover some groups" groups="map[metrics.k8s.io/v1beta1:stale GroupVersion discovery]" attempt=${n()}`,
  ],
  'kube-scheduler': [
    n =>
      `schedule_one.go:314] "Successfully bound pod to node" pod="default/web-${n()}" node="worker-${
        n() % 10
      }" evaluatedNodes=10 feasibleNodes=${n() % 10}`,
    n =>
      `leaderelection.go:271] successfully acquired lease kube-system/kube-scheduler after ${n()} tries`,
    () =>
      `reflector.go:561] k8s.io/client-go/informers/factory.go:160: watch of *v1.Pod ended with: an error on the server ("unable to decode an event from the watch stream: ${RARE_PHRASE}") has prevented the request from succeeding`,
  ],
};

const ETCD_MESSAGES: Array<(n: () => number) => Record<string, unknown>> = [
  n => ({
    caller: 'mvcc/index.go:214',
    msg: 'compact tree index',
    revision: n() * 100,
  }),
  n => ({
    caller: 'mvcc/kvstore_compaction.go:68',
    msg: 'finished scheduled compaction',
    'compact-revision': n() * 100,
    took: `${n()}.3ms`,
  }),
  n => ({
    caller: 'etcdserver/server.go:1395',
    msg: 'triggering snapshot',
    'local-member-applied-index': n() * 1000,
  }),
  n => ({
    caller: 'etcdserver/util.go:170',
    msg: 'apply request took too long',
    took: `${100 + n()}ms`,
    'expected-duration': '100ms',
  }),
];

/** How often each level turns up: most lines say what happened, a few warn, fewer fail. */
function klogLetter(random: () => number): string {
  const pick = random();
  if (pick < 0.9) return 'I';
  return pick < 0.98 ? 'W' : 'E';
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** klog's header: level letter, month and day, time to the microsecond, thread id. */
function klogHeader(
  letter: string,
  time: Date,
  thread: number,
  microseconds: number,
): string {
  return `${letter}${pad(time.getUTCMonth() + 1)}${pad(
    time.getUTCDate(),
  )} ${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(
    time.getUTCSeconds(),
  )}.${pad(time.getUTCMilliseconds(), 3)}${pad(microseconds, 3)} ${String(
    thread,
  ).padStart(7)} `;
}

/** The streams of a cluster: one per etcd member and one per other component, as the collector has them. */
function streamsOf(cluster: LoggedCluster) {
  const fields = {
    hub: cluster.hub,
    namespace: cluster.namespace,
    cluster: cluster.name,
  };
  return [
    ...Array.from({ length: cluster.etcdMembers }, (_, i) => ({
      ...fields,
      component: 'etcd',
      pod: `etcd-${i}`,
    })),
    ...Object.keys(KLOG_MESSAGES).map(component => ({
      ...fields,
      component,
      pod: component,
    })),
  ];
}

/**
 * One cluster's rows for `/insert/jsonline` (one JSON object a line, `_time` and `_msg` among the
 * stream's fields), about `bytes` of log text as the processes would have written it, the lines
 * spread evenly over `[startMs, endMs]` with some jitter. Returns the body and the lines and bytes
 * of log text in it.
 */
export function clusterRows(
  cluster: LoggedCluster,
  options: { bytes: number; startMs: number; endMs: number },
): { body: string; lines: number; bytes: number } {
  let seed = 0;
  for (const char of cluster.name) seed = (seed * 31 + char.charCodeAt(0)) | 0;
  const random = prng(seed);
  const n = () => Math.floor(random() * 100_000);
  const streams = streamsOf(cluster);
  // Lines are about 200 bytes: a first guess at how many, their times spaced to fill the range.
  const expected = Math.max(1, Math.round(options.bytes / 200));
  const spacing = (options.endMs - options.startMs) / expected;
  const rows: string[] = [];
  let bytes = 0;
  let lines = 0;
  for (let i = 0; bytes < options.bytes; i++) {
    const timeMs = Math.min(
      options.endMs,
      options.startMs + (i + random()) * spacing,
    );
    const time = new Date(timeMs);
    const stream = streams[Math.floor(random() * streams.length)];
    let row: Record<string, unknown>;
    let text: string;
    if (stream.component === 'etcd') {
      const pick = random();
      const level = pick < 0.95 ? 'info' : 'warn';
      const entry = {
        level,
        ts: time.toISOString(),
        ...ETCD_MESSAGES[Math.floor(random() * ETCD_MESSAGES.length)](n),
      };
      text = JSON.stringify(entry);
      const { msg, ...rest } = entry as Record<string, unknown>;
      row = { ...rest, _msg: msg };
    } else {
      const messages = KLOG_MESSAGES[stream.component];
      // The rare phrase's message is the last of each component's.
      const rare = random() < 0.005;
      const message = rare
        ? messages[messages.length - 1]
        : messages[Math.floor(random() * (messages.length - 1))];
      text = `${klogHeader(
        rare ? 'E' : klogLetter(random),
        time,
        1 + (n() % 300),
        n() % 1000,
      )}${message(n)}`;
      row = { _msg: text };
    }
    rows.push(JSON.stringify({ ...stream, ...row, _time: time.toISOString() }));
    bytes += Buffer.byteLength(text) + 1;
    lines += 1;
  }
  return { body: `${rows.join('\n')}\n`, lines, bytes };
}

/**
 * Writes every cluster's rows, `concurrency` requests at a time, each in the cluster's own
 * VictoriaLogs tenant; returns the lines and bytes of log text written.
 */
export async function ingestClusters(options: {
  victoriaLogsUrl: string;
  clusters: LoggedCluster[];
  bytesPerCluster: number;
  startMs: number;
  endMs: number;
  concurrency?: number;
  onProgress?: (clustersDone: number) => void;
}): Promise<{ lines: number; bytes: number }> {
  const url = new URL('/insert/jsonline', options.victoriaLogsUrl);
  url.searchParams.set('_stream_fields', LOG_STREAM_FIELDS.join(','));
  url.searchParams.set('_time_field', '_time');
  url.searchParams.set('_msg_field', '_msg');
  let next = 0;
  let lines = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < options.clusters.length) {
      const cluster = options.clusters[next++];
      const rows = clusterRows(cluster, {
        bytes: options.bytesPerCluster,
        startMs: options.startMs,
        endMs: options.endMs,
      });
      const tenant = logTenantOf(cluster);
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/stream+json',
          AccountID: String(tenant.accountId),
          ProjectID: String(tenant.projectId),
        },
        body: rows.body,
      });
      if (!response.ok) {
        throw new Error(
          `VictoriaLogs refused ${cluster.name}'s lines: ${response.status} ${(
            await response.text()
          ).slice(0, 300)}`,
        );
      }
      lines += rows.lines;
      bytes += rows.bytes;
      options.onProgress?.(next);
    }
  };
  await Promise.all(
    Array.from({ length: options.concurrency ?? 2 }, () => worker()),
  );
  return { lines, bytes };
}
