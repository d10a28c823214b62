import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { migrationsDirectory } from '../../database/migrations';
import { AlertStore } from './AlertStore';

// The local PostgreSQL that scripts/setup.sh starts; set by scripts/test.sh as well.
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
  'postgresql://postgres@127.0.0.1:5432';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const labels = (cluster: string, hub = 'local') => ({
  alertname: 'KubeApiserverDown',
  severity: 'critical',
  hostplane_hub: hub,
  hostplane_cluster: cluster,
  hostplane_owner: 'group:default/team-a',
});

const alert = (overrides: Record<string, unknown> = {}) => ({
  status: 'firing' as const,
  labels: labels('shop'),
  annotations: { summary: 'The API server is down', panel: 'apiRequestRate' },
  startsAt: '2026-12-08T10:00:00Z',
  fingerprint: 'f1',
  ...overrides,
});

describe.each(databases.eachSupportedId())('AlertStore on %p', databaseId => {
  let db: Knex;
  beforeAll(async () => {
    db = await databases.init(databaseId);
    await db.migrate.latest({ directory: migrationsDirectory });
  });
  beforeEach(async () => {
    await db('hostplane_monitoring_alerts').delete();
  });

  it('keeps alerts per cluster, and only those of the hub that sent them', async () => {
    const store = new AlertStore(db, () => Date.parse('2026-12-08T10:05:00Z'));
    const started = await store.receive('local', [
      alert(),
      alert({ fingerprint: 'f2', labels: labels('billing') }),
      alert({ fingerprint: 'f3', labels: labels('shop', 'other-hub') }),
      alert({ fingerprint: 'f4', labels: { alertname: 'NoCluster' } }),
    ]);
    expect(started.map(a => a.fingerprint)).toEqual(['f1', 'f2']);
    expect(await store.list('local', 'shop')).toEqual([
      {
        fingerprint: 'f1',
        name: 'KubeApiserverDown',
        severity: 'critical',
        summary: 'The API server is down',
        description: '',
        state: 'firing',
        startsAt: '2026-12-08T10:00:00Z',
        labels: labels('shop'),
        panel: 'apiRequestRate',
      },
    ]);
    expect(await store.list('other-hub', 'shop')).toEqual([]);
  });

  it('reports an alert as new once per firing, keeping its acknowledgement until it fires anew', async () => {
    const store = new AlertStore(db, () => Date.parse('2026-12-08T10:05:00Z'));
    await store.receive('local', [alert()]);
    expect(await store.receive('local', [alert()])).toEqual([]);
    await store.acknowledge(
      'local',
      'shop',
      (await store.get('local', 'shop', 'f1'))!,
      'user:default/ada',
    );
    await store.receive('local', [
      alert({ status: 'resolved', endsAt: '2026-12-08T10:03:00Z' }),
    ]);
    expect(await store.get('local', 'shop', 'f1')).toMatchObject({
      state: 'resolved',
      endsAt: '2026-12-08T10:03:00Z',
      acknowledgedBy: 'user:default/ada',
    });
    const again = await store.receive('local', [
      alert({ startsAt: '2026-12-08T10:04:00Z' }),
    ]);
    expect(again).toHaveLength(1);
    expect(
      (await store.get('local', 'shop', 'f1'))?.acknowledgedBy,
    ).toBeUndefined();
  });

  it('lists firing alerts first, newest first, and forgets resolved ones after a day', async () => {
    let now = Date.parse('2026-12-08T10:05:00Z');
    const store = new AlertStore(db, () => now);
    await store.receive('local', [
      alert({ fingerprint: 'old', startsAt: '2026-12-08T08:00:00Z' }),
      alert({
        fingerprint: 'done',
        status: 'resolved',
        startsAt: '2026-12-08T09:30:00Z',
        endsAt: '2026-12-08T09:40:00Z',
      }),
      alert({ fingerprint: 'new', startsAt: '2026-12-08T09:00:00Z' }),
    ]);
    expect((await store.list('local', 'shop')).map(a => a.fingerprint)).toEqual(
      ['new', 'old', 'done'],
    );
    now = Date.parse('2026-12-09T10:00:00Z');
    expect((await store.list('local', 'shop')).map(a => a.fingerprint)).toEqual(
      ['new', 'old'],
    );
  });

  it('remembers, after a restart, what was acknowledged and silenced and which alerts already fired', async () => {
    const clock = () => Date.parse('2026-12-08T10:05:00Z');
    const warning = alert({
      fingerprint: 'f2',
      labels: { ...labels('shop'), severity: 'warning' },
    });
    const before = new AlertStore(db, clock);
    await before.receive('local', [alert(), warning]);
    const firing = (await before.get('local', 'shop', 'f1'))!;
    await before.acknowledge('local', 'shop', firing, 'user:default/ada');
    await before.silenced('local', 'shop', firing, 'user:default/grace');

    const after = new AlertStore(db, clock);
    // Alertmanager sends what still fires again each repeat interval: not new, not notified.
    expect(await after.receive('local', [alert(), warning])).toEqual([]);
    expect(await after.get('local', 'shop', 'f1')).toMatchObject({
      acknowledgedBy: 'user:default/ada',
      acknowledgedAt: '2026-12-08T10:05:00.000Z',
      silencedBy: 'user:default/grace',
    });
    expect(
      (await after.firing()).sort((a, b) =>
        a.fingerprint.localeCompare(b.fingerprint),
      ),
    ).toEqual([
      {
        hub: 'local',
        cluster: 'shop',
        fingerprint: 'f1',
        severity: 'critical',
      },
      {
        hub: 'local',
        cluster: 'shop',
        fingerprint: 'f2',
        severity: 'warning',
      },
    ]);
  });

  it('does not carry an acknowledgement of an earlier firing over to a later one', async () => {
    const store = new AlertStore(db, () => Date.parse('2026-12-08T10:05:00Z'));
    await store.receive('local', [alert()]);
    const earlier = (await store.get('local', 'shop', 'f1'))!;
    await store.receive('local', [alert({ startsAt: '2026-12-08T10:04:00Z' })]);
    await store.acknowledge('local', 'shop', earlier, 'user:default/ada');
    expect(
      (await store.get('local', 'shop', 'f1'))?.acknowledgedBy,
    ).toBeUndefined();
  });
});
