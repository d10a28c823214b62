import { logTenantOf } from '@hostplane/plugin-hostplane-common';
import { tenantLogSources, vlagentArgs } from './collectorArgs';

const tenant = {
  namespace: 'clusters',
  name: 'alpha',
  clusterDir: '/work/tenants/clusters/clusters-alpha',
  etcdMembers: 3,
};

describe('tenantLogSources', () => {
  it("tails each component's own log, each etcd member's, and the audit log, all under the cluster's tenant", () => {
    const sources = tenantLogSources('local', tenant);
    const { accountId, projectId } = logTenantOf({ hub: 'local', ...tenant });

    expect(
      sources.map(s => [
        s.file.replace(`${tenant.clusterDir}/logs/`, ''),
        s.fields.component,
        s.fields.pod,
      ]),
    ).toEqual([
      ['etcd.log', 'etcd', 'etcd-0'],
      ['etcd-1.log', 'etcd', 'etcd-1'],
      ['etcd-2.log', 'etcd', 'etcd-2'],
      ['kube-apiserver.log', 'kube-apiserver', 'kube-apiserver'],
      [
        'kube-controller-manager.log',
        'kube-controller-manager',
        'kube-controller-manager',
      ],
      ['kube-scheduler.log', 'kube-scheduler', 'kube-scheduler'],
      ['audit.log', 'audit', 'kube-apiserver'],
    ]);
    for (const source of sources) {
      expect(source.tenant).toEqual({ accountId, projectId });
      expect(source.fields).toMatchObject({
        hub: 'local',
        namespace: 'clusters',
        cluster: 'alpha',
      });
    }
  });

  it('gives each cluster its own tenant', () => {
    const other = tenantLogSources('local', { ...tenant, name: 'beta' });
    expect(other[0].tenant).not.toEqual(
      tenantLogSources('local', tenant)[0].tenant,
    );
  });
});

describe('vlagentArgs', () => {
  it('pairs each file with its fields and tenant, by position', () => {
    const [source] = tenantLogSources('local', { ...tenant, etcdMembers: 1 });
    const args = vlagentArgs({
      sources: [source],
      storeUrl: 'http://127.0.0.1:9428',
      dataDir: '/data',
      httpPort: 9429,
    });

    expect(args).toEqual(
      expect.arrayContaining([
        '-remoteWrite.url=http://127.0.0.1:9428/insert/multitenant/native',
        '-fileCollector.checkpointsPath=/data/file-checkpoints.json',
        '-fileCollector.streamFields=hub,namespace,cluster,component,pod',
      ]),
    );
    const index = args.indexOf(`-fileCollector.glob=${source.file}`);
    expect(args.slice(index, index + 4)).toEqual([
      `-fileCollector.glob=${source.file}`,
      '-fileCollector.excludeGlob=',
      `-fileCollector.extraFields=${JSON.stringify(source.fields)}`,
      `-fileCollector.tenantID=${source.tenant.accountId}:${source.tenant.projectId}`,
    ]);
  });
});
