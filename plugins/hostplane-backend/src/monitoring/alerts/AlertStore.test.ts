import { AlertStore } from './AlertStore';

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

describe('AlertStore', () => {
  it('keeps alerts per cluster, and only those of the hub that sent them', () => {
    const store = new AlertStore(() => Date.parse('2026-12-08T10:05:00Z'));
    const started = store.receive('local', [
      alert(),
      alert({ fingerprint: 'f2', labels: labels('billing') }),
      alert({ fingerprint: 'f3', labels: labels('shop', 'other-hub') }),
      alert({ fingerprint: 'f4', labels: { alertname: 'NoCluster' } }),
    ]);
    expect(started.map(a => a.fingerprint)).toEqual(['f1', 'f2']);
    expect(store.list('local', 'shop')).toEqual([
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
    expect(store.list('other-hub', 'shop')).toEqual([]);
  });

  it('reports an alert as new once per firing, keeping its acknowledgement until it fires anew', () => {
    const store = new AlertStore(() => Date.parse('2026-12-08T10:05:00Z'));
    store.receive('local', [alert()]);
    expect(store.receive('local', [alert()])).toEqual([]);
    store.acknowledge(store.get('local', 'shop', 'f1')!, 'user:default/ada');
    store.receive('local', [
      alert({ status: 'resolved', endsAt: '2026-12-08T10:03:00Z' }),
    ]);
    expect(store.get('local', 'shop', 'f1')).toMatchObject({
      state: 'resolved',
      endsAt: '2026-12-08T10:03:00Z',
      acknowledgedBy: 'user:default/ada',
    });
    const again = store.receive('local', [
      alert({ startsAt: '2026-12-08T10:04:00Z' }),
    ]);
    expect(again).toHaveLength(1);
    expect(store.get('local', 'shop', 'f1')?.acknowledgedBy).toBeUndefined();
  });

  it('lists firing alerts first, newest first, and forgets resolved ones after a day', () => {
    let now = Date.parse('2026-12-08T10:05:00Z');
    const store = new AlertStore(() => now);
    store.receive('local', [
      alert({ fingerprint: 'old', startsAt: '2026-12-08T08:00:00Z' }),
      alert({
        fingerprint: 'done',
        status: 'resolved',
        startsAt: '2026-12-08T09:30:00Z',
        endsAt: '2026-12-08T09:40:00Z',
      }),
      alert({ fingerprint: 'new', startsAt: '2026-12-08T09:00:00Z' }),
    ]);
    expect(store.list('local', 'shop').map(a => a.fingerprint)).toEqual([
      'new',
      'old',
      'done',
    ]);
    now = Date.parse('2026-12-09T10:00:00Z');
    expect(store.list('local', 'shop').map(a => a.fingerprint)).toEqual([
      'new',
      'old',
    ]);
  });
});
