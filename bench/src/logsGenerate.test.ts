import { clusterRows, RARE_PHRASE } from '../logs/generate';

const cluster = {
  hub: 'local',
  namespace: 'tenants-team-001',
  name: 'cluster-00007',
  etcdMembers: 3,
};
const startMs = Date.parse('2026-12-07T00:00:00Z');
const endMs = Date.parse('2026-12-08T00:00:00Z');

describe('clusterRows', () => {
  const { body, lines, bytes } = clusterRows(cluster, {
    bytes: 2 * 2 ** 20,
    startMs,
    endMs,
  });
  const rows = body
    .trimEnd()
    .split('\n')
    .map(line => JSON.parse(line));

  it('writes about the bytes asked for, a row per line', () => {
    expect(rows).toHaveLength(lines);
    expect(bytes).toBeGreaterThanOrEqual(2 * 2 ** 20);
    expect(bytes).toBeLessThan(2 * 2 ** 20 + 2_000);
  });

  it("puts each row in one of the cluster's streams, within the range", () => {
    const pods = new Set<string>();
    for (const row of rows) {
      expect(row).toMatchObject({
        hub: 'local',
        namespace: 'tenants-team-001',
        cluster: 'cluster-00007',
      });
      pods.add(`${row.component}/${row.pod}`);
      const time = Date.parse(row._time);
      expect(time).toBeGreaterThanOrEqual(startMs);
      expect(time).toBeLessThanOrEqual(endMs);
      expect(row._msg.length).toBeGreaterThan(0);
    }
    expect([...pods].sort()).toEqual([
      'etcd/etcd-0',
      'etcd/etcd-1',
      'etcd/etcd-2',
      'kube-apiserver/kube-apiserver',
      'kube-controller-manager/kube-controller-manager',
      'kube-scheduler/kube-scheduler',
    ]);
  });

  it('writes klog lines with a level letter and time, and the rare phrase in few of them', () => {
    const klog = rows.filter(row => row.component !== 'etcd');
    for (const row of klog) {
      expect(row._msg).toMatch(/^[IWE]\d{4} \d{2}:\d{2}:\d{2}\.\d{6} +\d+ /);
    }
    const rare = klog.filter(row => row._msg.includes(RARE_PHRASE)).length;
    expect(rare).toBeGreaterThan(0);
    expect(rare / klog.length).toBeLessThan(0.02);
  });
});
