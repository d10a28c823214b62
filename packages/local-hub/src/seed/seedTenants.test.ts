import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { OWNER_LABEL } from '@hostplane/plugin-hostplane-common';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import { LOCAL_HUB_FIELD_MANAGER, LocalHub } from '../LocalHub';
import { controlPlaneNamespace } from '../controlplane';
import { hubBinaries } from '../paths';
import { TenantProcesses } from '../TenantProcesses';
import { useTestHub } from '../testing/useTestHub';
import { demoTenants } from './demo';
import { planTenants } from './plan';
import { startRealTenants } from './realTenants';
import { seedTenants } from './seedTenants';

jest.setTimeout(300_000);

describe('seedTenants against the local hub', () => {
  const context = useTestHub('seed-test');
  let hub: LocalHub;
  let workdir: string;
  beforeAll(() => {
    ({ hub, workdir } = context);
  });

  let realTenants: TenantProcesses[] = [];
  afterAll(async () => {
    for (const tenant of realTenants) {
      await tenant.delete();
    }
  });

  const list = async (plural: string, labelSelector?: string) =>
    (
      await hub
        .kubeConfig()
        .makeApiClient(CustomObjectsApi)
        .listCustomObjectForAllNamespaces({
          group: 'hypershift.openshift.io',
          version: 'v1beta1',
          plural,
          labelSelector,
        })
    ).items as any[];

  it('creates status-only tenants the API server accepts, idempotently, and leaves their status alone', async () => {
    const plans = planTenants({ count: 60, teams: 4, seed: 3 });
    await seedTenants(hub.kubeConfig(), plans, {
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
    });
    await seedTenants(hub.kubeConfig(), plans, {
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
    });

    const clusters = await list('hostedclusters');
    expect(clusters).toHaveLength(60);
    const pools = await list('nodepools');
    expect(pools).toHaveLength(plans.reduce((n, p) => n + p.pools.length, 0));
    expect(
      await list('hostedclusters', `${OWNER_LABEL}=team-002`),
    ).toHaveLength(15);

    // The KWOK stages skip stand-in tenants: a Provisioning one stays as seeded.
    await new Promise(resolve => setTimeout(resolve, 2_000));
    const available = (name: string) =>
      (
        clusters.find(c => c.metadata.name === name) ?? {}
      ).status?.conditions?.find(
        (c: { type: string }) => c.type === 'Available',
      )?.status;
    const provisioning = plans.find(p => p.phase === 'Provisioning')!;
    const afterWait = (await list('hostedclusters')).find(
      c => c.metadata.name === provisioning.name,
    );
    expect(available(provisioning.name)).toBe('False');
    expect(
      afterWait.status.conditions.find(
        (c: { type: string }) => c.type === 'Available',
      ).status,
    ).toBe('False');
    const ready = plans.find(p => p.phase === 'Ready')!;
    expect(available(ready.name)).toBe('True');
  });

  it('gives a tenant real processes whose admin kubeconfig, read from the hub, lists its nodes', async () => {
    const plan = demoTenants().find(t => t.name === 'payments-prod')!;
    await seedTenants(hub.kubeConfig(), [plan], {
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
    });
    realTenants = await startRealTenants(hub.kubeConfig(), [plan], {
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
      workdir: path.join(workdir, 'tenants'),
    });

    const cluster = (await list('hostedclusters')).find(
      c => c.metadata.name === plan.name,
    );
    const endpoint = new URL(realTenants[0].server);
    expect(cluster.status.controlPlaneEndpoint).toEqual({
      host: endpoint.hostname,
      port: Number(endpoint.port),
    });
    const secret = await hub
      .kubeConfig()
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({
        namespace: plan.namespace,
        name: cluster.status.kubeconfig.name,
      });
    const kubeconfigFile = path.join(workdir, 'tenant.kubeconfig');
    fs.writeFileSync(
      kubeconfigFile,
      Buffer.from(secret.data!.kubeconfig, 'base64'),
    );

    const wanted = plan.pools.reduce((n, p) => n + p.replicas, 0);
    const nodes = await waitFor(`${wanted} Ready tenant nodes`, async () => {
      const out = execFileSync(hubBinaries().kubectl, [
        '--kubeconfig',
        kubeconfigFile,
        'get',
        'nodes',
        '--no-headers',
      ]).toString();
      const ready = out.split('\n').filter(line => / Ready /.test(line));
      return ready.length === wanted ? ready : undefined;
    });
    expect(nodes).toHaveLength(5);

    // The control-plane namespace HyperShift would create, its pods run by the hub's KWOK.
    const core = hub.kubeConfig().makeApiClient(CoreV1Api);
    const pods = await waitFor(
      '3 etcd, 3 kube-apiserver, 2+2 controller pods Running',
      async () => {
        const list = await core.listNamespacedPod({
          namespace: controlPlaneNamespace(plan.namespace, plan.name),
        });
        const running = list.items.filter(p => p.status?.phase === 'Running');
        return running.length === 10 ? running : undefined;
      },
    );
    expect(pods.map(p => p.metadata!.labels!.app).sort()).toEqual([
      'etcd',
      'etcd',
      'etcd',
      'kube-apiserver',
      'kube-apiserver',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-controller-manager',
      'kube-scheduler',
      'kube-scheduler',
    ]);
    const rootCa = await core.readNamespacedSecret({
      namespace: controlPlaneNamespace(plan.namespace, plan.name),
      name: 'root-ca',
    });
    expect(Buffer.from(rootCa.data!['ca.crt'], 'base64').toString()).toBe(
      fs.readFileSync(realTenants[0].rootCaPath, 'utf8'),
    );
  });
});
