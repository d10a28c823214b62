import { logTenantOf } from '@hostplane/plugin-hostplane-common';
import { tenantLogSources } from './logSources';

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
