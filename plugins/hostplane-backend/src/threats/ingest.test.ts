import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import type { K8sAuditEvent } from '@hostplane/plugin-hostplane-common';
import express from 'express';
import type { Knex } from 'knex';
import fc from 'fast-check';
import request from 'supertest';
import { migrationsDirectory } from '../database/migrations';
import { DEFAULT_DETECTOR_SETTINGS, ThreatDetector } from './detector';
import { createAuditReceiver } from './receiver';
import { builtinRulesDirectory, loadRuleSet } from './rules';
import { ThreatPipeline } from './ThreatPipeline';
import { ThreatStore } from './ThreatStore';
import {
  AuditWebhookCredentials,
  sharedWebhookKey,
} from './webhookCredentials';
import { auditEvent, podBody } from './__testUtils__/auditEvents';

// The local PostgreSQL that scripts/setup.sh starts; set by scripts/test.sh as well.
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
  'postgresql://postgres@127.0.0.1:5432';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const logger = mockServices.logger.mock();
const alpha = { hub: 'local', name: 'alpha' };
const beta = { hub: 'local', name: 'beta' };
const gamma = { hub: 'local', name: 'gamma' };
const rules = loadRuleSet({ directory: builtinRulesDirectory });

function eventList(items: K8sAuditEvent[]) {
  return { kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items };
}

function attackBatch(n: number): K8sAuditEvent[] {
  const events: K8sAuditEvent[] = [];
  for (let i = 0; i < n; i++) {
    events.push(
      i % 100 === 0
        ? auditEvent({
            user: 'mallory',
            verb: 'create',
            resource: 'pods',
            namespace: 'shop',
            body: podBody(`root-${i % 300}`, {
              volumes: [{ name: 'h', hostPath: { path: '/' } }],
            }),
            code: 201,
          })
        : auditEvent({
            user: 'alice',
            verb: 'list',
            resource: 'pods',
            namespace: 'shop',
          }),
    );
  }
  return events;
}

describe.each(databases.eachSupportedId())('audit ingest on %p', databaseId => {
  let store: ThreatStore;
  let credentials: AuditWebhookCredentials;
  let pipeline: ThreatPipeline;
  let backlog = 0;
  let app: express.Express;
  const newPipeline = () =>
    new ThreatPipeline(
      store,
      restored =>
        new ThreatDetector(rules, DEFAULT_DETECTOR_SETTINGS, restored),
      logger,
    );

  let knex: Knex;
  beforeAll(async () => {
    knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDirectory });
    store = new ThreatStore(knex);
    credentials = new AuditWebhookCredentials(await sharedWebhookKey(knex));
    pipeline = newPipeline();
    app = express().use(
      createAuditReceiver({
        credentials,
        store: (cluster, events) => store.insertEvents(cluster, events),
        backlog: () => backlog,
        wake: () => {},
        logger,
        maxBatchBytes: 256 * 1024,
        maxBacklog: 1000,
      }),
    );
  });

  const post = (
    cluster: typeof alpha,
    body: unknown,
    token = credentials.tokenFor(cluster),
  ) =>
    request(app)
      .post(`/threats/audit/${cluster.hub}/${cluster.name}`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  it('stores a batch before it acknowledges it, once however often it is posted', async () => {
    const events = attackBatch(50);
    const before = await store.pendingCount();
    const res = await post(alpha, eventList(events));
    expect(res.status).toBe(200);
    expect(await store.pendingCount()).toBe(before + 50);
    expect((await post(alpha, eventList(events))).status).toBe(200);
    expect(await store.pendingCount()).toBe(before + 50);
    await pipeline.reload();
    await pipeline.drain();
    expect(await store.pendingCount()).toBe(0);
    const alerts = await store.listAlerts({ cluster: 'alpha' });
    expect(alerts.map(a => a.ruleId)).toEqual(['sensitive-host-mount']);
  });

  it('does not count again a batch posted again after its detection', async () => {
    const delta = { hub: 'local', name: 'delta' };
    // More occurrences of one alert than its timeline keeps, so the timeline cannot tell.
    const events = Array.from({ length: 60 }, () =>
      auditEvent({
        user: 'mallory',
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        body: podBody('root', {
          volumes: [{ name: 'h', hostPath: { path: '/' } }],
        }),
        code: 201,
      }),
    );
    expect((await post(delta, eventList(events))).status).toBe(200);
    await pipeline.reload();
    await pipeline.drain();
    // The API server did not get the acknowledgement and posts the batch's start again: events
    // that are no longer on the alert's timeline.
    expect((await post(delta, eventList(events.slice(0, 10)))).status).toBe(
      200,
    );
    expect(await store.pendingCount()).toBe(0);
    await pipeline.drain();
    const [alert] = await store.listAlerts({ cluster: 'delta' });
    expect(alert.count).toBe(60);
  });

  it("refuses one cluster's credential for another, and no credential at all", async () => {
    // The key behind the tokens is generated once, then shared by every instance.
    expect(
      (await sharedWebhookKey(knex)).equals(await sharedWebhookKey(knex)),
    ).toBe(true);
    const body = eventList(attackBatch(1));
    expect((await post(beta, body, credentials.tokenFor(alpha))).status).toBe(
      401,
    );
    expect((await post(beta, body, '')).status).toBe(401);
    expect((await post(beta, body)).status).toBe(200);
  });

  it('refuses an oversized batch with 413, and a malformed one with 400', async () => {
    const big = eventList(
      attackBatch(1).map(e => ({
        ...e,
        requestObject: { pad: 'x'.repeat(300 * 1024) },
      })),
    );
    expect((await post(alpha, big)).status).toBe(413);
    expect((await post(alpha, '{"kind":')).status).toBe(400);
    const res = await post(alpha, {
      kind: 'EventList',
      apiVersion: 'audit.k8s.io/v1',
      items: [{ auditID: 1 }],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(
      /^Not an audit.k8s.io\/v1 EventList: items.0/,
    );
  });

  it('answers 429 with Retry-After while detection is behind', async () => {
    backlog = 1000;
    try {
      const res = await post(alpha, eventList(attackBatch(1)));
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('2');
    } finally {
      backlog = 0;
    }
  });

  it('never answers 5xx to whatever is posted (property)', async () => {
    const anyEvent = fc.record(
      {
        level: fc.constantFrom(
          'Metadata',
          'Request',
          'RequestResponse',
          'Bogus',
        ),
        auditID: fc.oneof(fc.uuid(), fc.string(), fc.integer()),
        stage: fc.constantFrom('ResponseComplete', 'ResponseStarted', 'Later'),
        requestURI: fc.string(),
        verb: fc.oneof(fc.constantFrom('get', 'create'), fc.string()),
        user: fc.oneof(
          fc.record({ username: fc.string(), groups: fc.array(fc.string()) }),
          fc.anything(),
        ),
        objectRef: fc.anything(),
        responseStatus: fc.anything(),
        requestObject: fc.anything(),
        stageTimestamp: fc.oneof(
          fc.string(),
          fc.date({ noInvalidDate: true }).map(d => d.toISOString()),
        ),
      },
      { requiredKeys: [] },
    );
    const anyBody = fc.oneof(
      fc.string(),
      fc.json(),
      fc.anything(),
      fc.record({
        kind: fc.constant('EventList'),
        apiVersion: fc.constant('audit.k8s.io/v1'),
        items: fc.array(anyEvent, { maxLength: 5 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        anyBody,
        fc.constantFrom(alpha, beta),
        async (body, cluster) => {
          const res = await post(
            cluster,
            typeof body === 'string' ? body : JSON.stringify(body) ?? 'null',
          );
          expect(res.status).toBeLessThan(500);
          expect([200, 400, 401, 413, 415, 429]).toContain(res.status);
        },
      ),
      { numRuns: 150 },
    );
    await pipeline.reload();
    await pipeline.drain();
  }, 120_000);

  it('after a crash between detection and its commit, detects again to the same alerts', async () => {
    const events = attackBatch(300).map(e => ({ ...e }));
    await store.insertEvents(gamma, events);
    // First instance: detects, but dies before committing (its results are never stored).
    const dying = newPipeline();
    await dying.reload();
    for (const { cluster, event } of await store.pending(1000))
      dying.detector.process(cluster, event);
    // The restarted one carries on from the store.
    const restarted = newPipeline();
    await restarted.reload();
    await restarted.drain();
    const alerts = await store.listAlerts({
      cluster: 'gamma',
      statuses: ['open'],
    });
    const mounts = alerts.filter(a => a.ruleId === 'sensitive-host-mount');
    expect(mounts).toHaveLength(3);
    expect(mounts.map(a => a.count)).toEqual([1, 1, 1]);
    // And detection of the same events once more (a replay) changes nothing.
    await store.insertEvents(gamma, events);
    const again = newPipeline();
    await again.reload();
    await again.drain();
    const after = await store.listAlerts({
      cluster: 'gamma',
      statuses: ['open'],
    });
    expect(after).toEqual(alerts);
  });
});
