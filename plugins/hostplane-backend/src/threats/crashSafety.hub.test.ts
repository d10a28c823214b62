import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import { ephemeralPort } from '@hostplane/local-hub';
import type { K8sAuditEvent } from '@hostplane/plugin-hostplane-common';
import knexFactory, { Knex } from 'knex';
import { migrationsDirectory } from '../database/migrations';
import type { ClusterRef } from './detector';
import { ThreatStore } from './ThreatStore';
import {
  AuditWebhookCredentials,
  sharedWebhookKey,
} from './webhookCredentials';
import { auditEvent, advance, setClock } from './__testUtils__/auditEvents';

// The local PostgreSQL that scripts/setup.sh starts; set by scripts/test.sh as well.
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
  'postgresql://postgres@127.0.0.1:5432';

jest.setTimeout(180_000);

const WORKER = path.join(__dirname, '__testUtils__', 'threatWorker.ts');
const EVENTS = 10_000;
const BATCH = 100;
const SENDERS = 8;
const CLUSTERS: ClusterRef[] = [0, 1, 2, 3].map(i => ({
  hub: 'local',
  name: `crash-${i}`,
}));
/**
 * Pods per cluster, each one alert's subject: 25 occurrences each, inside the timeline's 50, so
 * that every event can be looked for on its alert's timeline as well as in its count.
 */
const PODS = 100;
/** The share of the events acknowledged when the worker is killed. */
const KILL_AFTER_ACKNOWLEDGED = 0.4;
const RETRY_MS = 100;

/**
 * The burst: every event an exec into one of the clusters' pods, which `exec-into-pod` alerts on
 * whatever the baseline knows, so each event is exactly one occurrence on its pod's alert. Sent
 * in batches of one cluster each, as that cluster's API server sends them.
 */
function burst(): { cluster: ClusterRef; events: K8sAuditEvent[] }[] {
  setClock(Date.now());
  const batches: { cluster: ClusterRef; events: K8sAuditEvent[] }[] = [];
  for (let b = 0; b < EVENTS / BATCH; b++) {
    const cluster = CLUSTERS[b % CLUSTERS.length];
    const events = Array.from({ length: BATCH }, (_, i) => {
      advance(1);
      return auditEvent({
        user: 'mallory',
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        name: `web-${i % PODS}`,
        subresource: 'exec',
        code: 101,
      });
    });
    batches.push({ cluster, events });
  }
  return batches;
}

interface Worker {
  process: ChildProcess;
  output: () => string;
  exited: Promise<void>;
}

/** Starts the receiver and detection in a process of their own; resolves once it takes posts. */
async function startWorker(
  knexConfig: Knex.Config,
  port: number,
): Promise<Worker> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      WORKER,
      JSON.stringify(knexConfig),
      String(port),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (output.includes('LISTENING\n')) {
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code, signal) =>
      reject(
        new Error(
          `the threat worker exited with ${code ?? signal}:\n${output.slice(
            -3000,
          )}`,
        ),
      ),
    );
  });
  return { process: child, output: () => output, exited };
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

const targets: {
  name: string;
  open: () => Promise<{
    knex: Knex;
    config: Knex.Config;
    remove?: () => void;
  }>;
}[] = [
  {
    name: 'PostgreSQL',
    open: async () => {
      const knex = await databases.init('POSTGRES_15');
      return {
        knex,
        config: { client: 'pg', connection: knex.client.config.connection },
      };
    },
  },
  {
    name: 'SQLite',
    open: async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threat-crash-'));
      const config: Knex.Config = {
        client: 'better-sqlite3',
        connection: { filename: path.join(dir, 'threats.sqlite') },
        useNullAsDefault: true,
      };
      return {
        knex: knexFactory(config),
        config,
        remove: () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
];

describe.each(targets)('audit events through a kill -9, on $name', target => {
  let knex: Knex;
  let config: Knex.Config;
  let remove: (() => void) | undefined;
  let worker: Worker | undefined;
  beforeAll(async () => {
    ({ knex, config, remove } = await target.open());
    await knex.migrate.latest({ directory: migrationsDirectory });
  });
  afterAll(async () => {
    worker?.process.kill('SIGKILL');
    await worker?.exited;
    await knex?.destroy();
    remove?.();
  });

  it('loses no acknowledged event and counts none twice', async () => {
    const port = await ephemeralPort();
    // The key the worker shares through the database: each cluster posts with its own token.
    const credentials = new AuditWebhookCredentials(
      await sharedWebhookKey(knex),
    );
    const store = new ThreatStore(knex);
    const batches = burst();
    worker = await startWorker(config, port);

    const acknowledged = new Set<string>();
    let interrupted = 0;
    /** Batches a broken connection left unacknowledged at least once. */
    const retried = new Set<(typeof batches)[number]>();
    let refused = 0;
    let killed: Promise<void> | undefined;
    let pendingAtKill = -1;
    const killAndRestart = async () => {
      const dying = worker!;
      dying.process.kill('SIGKILL');
      await dying.exited;
      pendingAtKill = await store.pendingCount();
      worker = await startWorker(config, port);
    };

    /** Posts a batch until it is acknowledged, as an API server's webhook backend retries. */
    const send = async (batch: (typeof batches)[number]) => {
      const { cluster, events } = batch;
      const body = JSON.stringify({
        kind: 'EventList',
        apiVersion: 'audit.k8s.io/v1',
        items: events,
      });
      for (;;) {
        let status = 0;
        try {
          const response = await fetch(
            `http://127.0.0.1:${port}/threats/audit/${cluster.hub}/${cluster.name}`,
            {
              method: 'POST',
              headers: {
                Authorization: `Bearer ${credentials.tokenFor(cluster)}`,
                'Content-Type': 'application/json',
              },
              body,
            },
          );
          status = response.status;
          await response.arrayBuffer();
        } catch {
          // The connection broke or was refused: not acknowledged, so sent again.
          interrupted++;
          retried.add(batch);
        }
        if (status >= 200 && status < 300) break;
        if (status === 429 || status === 503) refused++;
        else if (status !== 0) {
          throw new Error(`the receiver answered ${status} to a valid batch`);
        }
        await new Promise(resolve => setTimeout(resolve, RETRY_MS));
      }
      for (const event of events) acknowledged.add(event.auditID);
      if (!killed && acknowledged.size >= EVENTS * KILL_AFTER_ACKNOWLEDGED) {
        killed = killAndRestart();
      }
    };

    let next = 0;
    await Promise.all(
      Array.from({ length: SENDERS }, async () => {
        while (next < batches.length) await send(batches[next++]);
      }),
    );
    await killed;
    // Detection deletes each event in the transaction that stores its alerts: none left, all done.
    const drained = async () => {
      const deadline = Date.now() + 90_000;
      while ((await store.pendingCount()) > 0) {
        if (Date.now() > deadline) {
          throw new Error(
            `detection did not drain: ${await store.pendingCount()} left\n${worker!
              .output()
              .slice(-3000)}`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, 200));
      }
    };
    await drained();
    // A batch the worker stored but died before acknowledging arrives again once it was detected
    // (the API server retries on its own schedule): sent once more now, it must change nothing.
    for (const batch of retried) await send(batch);
    await drained();

    const alerts = await store.listAlerts({ limit: 100_000 });
    const counted = alerts.reduce((sum, alert) => sum + alert.count, 0);
    const onTimelines = alerts.flatMap(a => a.timeline.map(e => e.auditID));
    // eslint-disable-next-line no-console
    console.log(
      `${target.name}: ${acknowledged.size} events acknowledged, ${interrupted} posts interrupted or refused a connection, ${refused} answered 429/503, ${retried.size} batches sent again, ${pendingAtKill} events stored and not yet detected at the kill; ${alerts.length} alerts counting ${counted}`,
    );

    // The kill broke posts in flight.
    expect(interrupted).toBeGreaterThan(0);
    expect(acknowledged.size).toBe(EVENTS);
    // One alert per pod: none opened again after the restart.
    expect(alerts.map(a => a.ruleId)).toEqual(
      Array(CLUSTERS.length * PODS).fill('exec-into-pod'),
    );
    expect(
      new Set(alerts.map(a => `${a.cluster}/${a.subject.name}`)).size,
    ).toBe(CLUSTERS.length * PODS);
    // Every acknowledged event counted once: the counts add up, and each is on one timeline once.
    expect(counted).toBe(acknowledged.size);
    for (const alert of alerts)
      expect(alert.timeline).toHaveLength(alert.count);
    expect(onTimelines).toHaveLength(acknowledged.size);
    expect(new Set(onTimelines)).toEqual(acknowledged);
  });
});
