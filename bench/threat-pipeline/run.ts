/**
 * bench/threat-pipeline: audit events through Hostplane's threat detection, from a real tenant's
 * recorded batches multiplied across many clusters, against the physical limit measured in the
 * same run: only parsing the same JSON batches.
 *
 *   yarn bench:threat-pipeline [--count 1000000] [--clusters 1000] [--paced-rate 1000]
 *     [--paced-seconds 60] [--concurrency 16] [--database postgres|sqlite] [--hub scale]
 *     [--json FILE] [--check]
 *   yarn bench:threat-pipeline --record      # records the tenant's batches again
 *
 * It uses a kept hub holding at least `--clusters` + 1 clusters (the scale hub unless told) and
 * the backend (`backend.ts`, production mode, PostgreSQL by default) with a webhook key of its
 * own, so that it posts as each cluster with that cluster's real credential. Then:
 *
 * - parse only (the baseline): the batches of the full run, built the same way, each
 *   `JSON.parse`d and checked against the EventList schema as the receiver does, timed alone;
 * - full: `--count` events, the recording's batches replayed round-robin as `--clusters`
 *   clusters' (new audit ids, the time they are sent), posted by `--concurrency` senders to the
 *   receiver, which stores them; detection runs every rule and scores every match. The time runs
 *   until a marker event posted last is an alert visible through the threats API (detection
 *   goes in arrival order, so everything before it is done);
 * - delay: the same replay paced at `--paced-rate` events a second for `--paced-seconds`, with
 *   ten probe events a second (an exec into a pod of its own) on one more cluster whose alerts
 *   are polled through the API every 100 ms: the time from each probe's `stageTimestamp` to its
 *   alert being listed;
 * - the backend's RSS, sampled every 250 ms throughout, at its peak.
 *
 * Targets: the full rate at least 0.5x the parse-only rate; delay p95 under 2 s at 1,000 events
 * a second; backend RSS under 800 MiB.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  RunningBackend,
  SCALE_HUB,
  clustersOnHub,
  dropDatabasesWithPrefix,
  startBackend,
} from '@hostplane/local-hub';
import {
  K8sAuditEvent,
  ThreatAlert,
  k8sAuditEventListSchema,
} from '@hostplane/plugin-hostplane-common';
import { AuditWebhookCredentials } from '@hostplane/plugin-hostplane-backend/src/threats/webhookCredentials';
import { z } from 'zod';
import {
  log,
  percentile,
  rssMiB,
  runBenchmark,
  size,
  startBenchHub,
  waitForQuietHub,
} from '../src';
import { record } from './record';
import {
  AuditBatch,
  probeEvent,
  readRecording,
  recordedExec,
  replayBatch,
} from './recording';

const options = {
  /** Events through the full pipeline. */
  count: size(1_000_000),
  /** Clusters the recording is multiplied across (the probes' cluster is one more). */
  clusters: size(1_000),
  /** Events a second while the delay is measured. */
  pacedRate: size(1_000),
  pacedSeconds: size(60),
  /** Posts in flight at once in the full run, as many API servers post at once. */
  concurrency: size(16),
  database: z.enum(['postgres', 'sqlite']).default('postgres'),
  hub: z.string().default(SCALE_HUB),
};

/** The hub's name in the backend's configuration (`startBackend`'s). */
const HUB = 'local';
const PROBES_PER_SECOND = 10;
const POLL_MS = 100;
const RETRY_MS = 100;
const PROBE_TIMEOUT_MS = 60_000;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const eventList = (items: K8sAuditEvent[]) =>
  JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items });

/**
 * The replay: the `k`th batch sent is cluster `c = k % clusters`'s, recorded batch
 * `k / clusters + c` (cycling), so every cluster posts in turn; each pass over the recording is
 * a new copy.
 */
class Replay {
  private next = 0;
  constructor(
    private readonly recording: AuditBatch[],
    private readonly clusters: string[],
  ) {}

  take(at: string): { cluster: string; events: AuditBatch } {
    const k = this.next++;
    const c = k % this.clusters.length;
    // Each cluster starts at its own place in the recording, so that a short run replays all of
    // it rather than every cluster's first batches (the tenant's start-up burst).
    const position = Math.floor(k / this.clusters.length) + c;
    const copy = `${c}.${Math.floor(position / this.recording.length)}`;
    return {
      cluster: this.clusters[c],
      events: replayBatch(
        this.recording[position % this.recording.length],
        copy,
        at,
      ),
    };
  }
}

if (process.argv.includes('--record')) {
  record().then(
    () => process.exit(0),
    error => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
} else {
  runBenchmark(
    { name: 'threat-pipeline', options },
    async (args, stopLater) => {
      const recording = readRecording();
      const template = recordedExec(recording);
      const recordedEvents = recording.reduce((n, b) => n + b.length, 0);
      log(
        `recording: ${recordedEvents} events in ${recording.length} batches of a real tenant`,
      );

      const hub = await startBenchHub(
        { name: args.hub, count: args.clusters + 1 },
        stopLater,
      );
      log(
        `hub quiet after another ${(await waitForQuietHub(hub)).toFixed(0)} s`,
      );
      const [probeCluster, ...clusters] = (await clustersOnHub(hub))
        .slice(0, args.clusters + 1)
        .map(c => c.name);

      const workdir = fs.mkdtempSync(
        path.join(os.tmpdir(), 'bench-threat-pipeline-'),
      );
      stopLater(async () =>
        fs.rmSync(workdir, { recursive: true, force: true }),
      );
      const webhookKey = randomBytes(24).toString('hex');
      const configFile = path.join(workdir, 'app-config.bench.yaml');
      // JSON is YAML: the config loader reads it as it is.
      fs.writeFileSync(
        configFile,
        JSON.stringify({
          permission: { enabled: false },
          hostplane: { threats: { webhookKey } },
        }),
      );
      let backend: RunningBackend | undefined;
      stopLater(async () => {
        if (backend?.postgresPrefix) {
          await dropDatabasesWithPrefix(backend.postgresPrefix);
        }
      });
      stopLater(async () => backend?.stop());
      log(`starting the backend on ${args.database}`);
      backend = await startBackend({
        database: args.database,
        hubKubeconfig: hub.kubeconfigPath,
        entry: path.join(__dirname, 'backend.ts'),
        nodeEnv: 'production',
        extraConfigs: [configFile],
      });
      const { baseUrl, pid } = backend;
      const token = await backend.guestToken();
      const credentials = new AuditWebhookCredentials(Buffer.from(webhookKey));

      let peakRss = rssMiB(pid);
      const sampler = setInterval(() => {
        try {
          peakRss = Math.max(peakRss, rssMiB(pid));
        } catch {
          // The backend has exited; the run fails on its next request.
        }
      }, 250);
      stopLater(async () => clearInterval(sampler));

      const probeAlerts = async (): Promise<ThreatAlert[] | undefined> => {
        const response = await fetch(
          `${baseUrl}/api/hostplane/clusters/${HUB}/${probeCluster}/threats/alerts?limit=50`,
          { headers: { Authorization: `Bearer ${token}` } },
        );
        return response.ok ? (await response.json()).items : undefined;
      };
      // The backend lists the hub's clusters once its cache has filled.
      const readyBy = Date.now() + 300_000;
      while (!(await probeAlerts())) {
        if (Date.now() > readyBy) {
          throw new Error(`the backend does not list ${probeCluster}`);
        }
        await sleep(1_000);
      }
      const idleRss = rssMiB(pid);

      let posts = 0;
      let refused = 0;
      /** Posts a batch as its cluster's API server does: again until it is acknowledged. */
      const post = async (cluster: string, body: string) => {
        for (;;) {
          let status = 0;
          try {
            const response = await fetch(
              `${baseUrl}/api/hostplane/threats/audit/${HUB}/${cluster}`,
              {
                method: 'POST',
                headers: {
                  Authorization: `Bearer ${credentials.tokenFor({
                    hub: HUB,
                    name: cluster,
                  })}`,
                  'Content-Type': 'application/json',
                },
                body,
              },
            );
            status = response.status;
            await response.arrayBuffer();
          } catch (error) {
            throw new Error(`posting to the receiver: ${error}`);
          }
          posts++;
          if (status === 200) return;
          if (status !== 429 && status !== 503) {
            throw new Error(`the receiver answered ${status} to a valid batch`);
          }
          refused++;
          await sleep(RETRY_MS);
        }
      };

      let probes = 0;
      /** Posts a probe; resolves with its delay once its alert is listed through the API. */
      const seen = new Map<string, number>();
      const waiting = new Map<string, (seenAt: number) => void>();
      let polling = true;
      const poller = (async () => {
        while (polling) {
          // Only while a probe waits: polls would otherwise load the backend being measured.
          if (waiting.size === 0) {
            await sleep(POLL_MS);
            continue;
          }
          const items = (await probeAlerts().catch(() => undefined)) ?? [];
          const now = Date.now();
          for (const alert of items) {
            const name = alert.subject.name;
            if (!name?.startsWith('probe-') || seen.has(name)) continue;
            seen.set(name, now);
            waiting.get(name)?.(now);
            waiting.delete(name);
          }
          await sleep(POLL_MS);
        }
      })();
      stopLater(async () => {
        polling = false;
        await poller;
      });
      const probe = async (timeoutMs = PROBE_TIMEOUT_MS): Promise<number> => {
        const pod = `probe-${probes++}`;
        const at = new Date();
        const shown = new Promise<number>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`${pod}'s alert was not listed in time`)),
            timeoutMs,
          );
          waiting.set(pod, seenAt => {
            clearTimeout(timer);
            resolve(seenAt);
          });
        });
        // Awaited once posted; a timeout meanwhile is not an unhandled rejection.
        shown.catch(() => undefined);
        await post(
          probeCluster,
          eventList([
            probeEvent(template, pod, randomUUID(), at.toISOString()),
          ]),
        );
        return (await shown) - at.getTime();
      };
      // The first probe shows the pipeline works end to end before anything is timed.
      log(`first probe listed after ${(await probe()).toFixed(0)} ms`);

      // Parse only: the same batches, built the same way, timed while parsed and checked alone.
      const parseReplay = new Replay(recording, clusters);
      let parsed = 0;
      let parseMs = 0;
      while (parsed < args.count) {
        const { events } = parseReplay.take(new Date().toISOString());
        const body = eventList(events);
        const started = performance.now();
        const result = k8sAuditEventListSchema.safeParse(JSON.parse(body));
        parseMs += performance.now() - started;
        if (!result.success) throw new Error('a replayed batch does not parse');
        parsed += result.data.items.length;
      }
      const parseRate = parsed / (parseMs / 1000);
      log(`parse only: ${parseRate.toFixed(0)} events/s`);

      // Full: everything posted as fast as the receiver takes it, then the marker.
      const replay = new Replay(recording, clusters);
      let sent = 0;
      const postsBefore = posts;
      const fullStarted = performance.now();
      let lastReport = fullStarted;
      await Promise.all(
        Array.from({ length: args.concurrency }, async () => {
          while (sent < args.count) {
            const { cluster, events } = replay.take(new Date().toISOString());
            sent += events.length;
            await post(cluster, eventList(events));
            if (performance.now() - lastReport > 10_000) {
              lastReport = performance.now();
              log(`full run: ${sent} of ${args.count} events posted`);
            }
          }
        }),
      );
      const postedSeconds = (performance.now() - fullStarted) / 1000;
      log(
        `full run: all posted in ${postedSeconds.toFixed(
          1,
        )} s, waiting for detection`,
      );
      const fullPosts = posts - postsBefore;
      // Detection may be far behind the posts: the marker waits for all of it.
      const marker = await probe(3_600_000);
      const fullSeconds = (performance.now() - fullStarted) / 1000;
      const fullRate = sent / fullSeconds;
      log(
        `full run: ${fullRate.toFixed(0)} events/s (marker ${marker.toFixed(
          0,
        )} ms)`,
      );

      // Paced: the replay at the given rate, probes among it, each probe's delay.
      const failures: unknown[] = [];
      const delays: Promise<number>[] = [];
      let pacedSent = 0;
      const inFlight = new Set<Promise<void>>();
      const pacedStarted = performance.now();
      const pacedMs = args.pacedSeconds * 1000;
      for (;;) {
        const elapsed = performance.now() - pacedStarted;
        if (elapsed >= pacedMs) break;
        while (delays.length < (elapsed / 1000) * PROBES_PER_SECOND) {
          pacedSent += 1;
          delays.push(
            probe().catch(error => {
              failures.push(error);
              return NaN;
            }),
          );
        }
        while (pacedSent < (elapsed / 1000) * args.pacedRate) {
          const { cluster, events } = replay.take(new Date().toISOString());
          pacedSent += events.length;
          const sending = post(cluster, eventList(events))
            .catch(error => {
              failures.push(error);
            })
            .finally(() => inFlight.delete(sending));
          inFlight.add(sending);
        }
        await sleep(10);
      }
      await Promise.all(inFlight);
      const pacedRate = pacedSent / (args.pacedSeconds || 1);
      const delayMs = await Promise.all(delays);
      if (failures.length > 0) throw failures[0];
      polling = false;
      await poller;
      clearInterval(sampler);
      const p50 = percentile(delayMs, 50);
      const p95 = percentile(delayMs, 95);
      const ratio = fullRate / parseRate;
      const whole = (n: number) => Math.round(n).toLocaleString('en-US');

      return {
        table: [
          `bench/threat-pipeline: a real tenant's ${recordedEvents} recorded audit events (${recording.length} batches) replayed as ${args.clusters} clusters', ${args.database}`,
          '',
          '| measure | Hostplane | baseline | ratio |',
          '|---|---|---|---|',
          `| events/s through the receiver (HTTP, credential, store), every rule and scoring: ${whole(
            sent,
          )} events in ${whole(fullPosts)} posts, ${
            args.concurrency
          } at once | ${whole(fullRate)} (${fullSeconds.toFixed(
            1,
          )} s; all posted after ${postedSeconds.toFixed(
            1,
          )} s) | parse only (JSON.parse + EventList schema, one core): ${whole(
            parseRate,
          )} | ${ratio.toFixed(2)}x |`,
          `| event to alert listed through the threats API at ${whole(
            pacedRate,
          )} events/s, p50 / p95 (ms), ${
            delayMs.length
          } probes, polled every ${POLL_MS} ms | ${p50.toFixed(
            0,
          )} / ${p95.toFixed(0)} | | |`,
          `| backend RSS, peak (MiB) | ${peakRss.toFixed(
            0,
          )} | idle before the events: ${idleRss.toFixed(0)} | ${(
            peakRss / idleRss
          ).toFixed(2)}x |`,
          '',
          `posts refused with 429/503 and sent again: ${refused} of ${posts}`,
        ],
        parameters: {
          recordedEvents,
          recordedBatches: recording.length,
          eventsSent: sent,
          pacedEventsSent: pacedSent,
        },
        measures: {
          eventsPerSecond: { value: fullRate, unit: 'events/s' },
          delayP50: { value: p50, unit: 'ms' },
          delayP95: { value: p95, unit: 'ms' },
          peakRss: { value: peakRss, unit: 'MiB' },
        },
        baselines: {
          parseOnlyEventsPerSecond: { value: parseRate, unit: 'events/s' },
          idleRss: { value: idleRss, unit: 'MiB' },
        },
        ratios: { fullOverParseOnly: ratio },
        targets: [
          {
            name: 'events/s through the pipeline vs parse only',
            value: ratio,
            comparison: '>=',
            threshold: 0.5,
            unit: 'x',
          },
          {
            name: `delay from event to alert, p95, at ${args.pacedRate} events/s`,
            value: p95,
            comparison: '<',
            threshold: 2000,
            unit: 'ms',
          },
          {
            name: 'backend RSS, peak',
            value: peakRss,
            comparison: '<',
            threshold: 800,
            unit: 'MiB',
          },
        ],
      };
    },
  );
}
