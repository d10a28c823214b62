import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import { controlPlaneNamespace } from '../controlplane';
import { hubBinaries } from '../paths';
import { isAlive } from '../processes';
import { minimalHostedCluster, minimalNodePool } from '../testing/fixtures';
import { useTestHub } from '../testing/useTestHub';
import { StandinOperator } from './StandinOperator';

jest.setTimeout(300_000);

const RELEASE = 'registry.hostplane.local/kubernetes-release:v1.37.2';

describe('StandinOperator', () => {
  let operator: StandinOperator;
  // Declared before the hub's own teardown, so the operator stops watching before the hub goes.
  afterAll(async () => {
    await operator?.stop();
  });
  const context = useTestHub('standin-test');

  beforeAll(async () => {
    operator = new StandinOperator({
      hubKubeConfig: context.hub.kubeConfig(),
      maxRealTenants: 1,
      tenantsWorkdir: path.join(context.workdir, 'tenants'),
      probeIntervalMs: 500,
    });
    await operator.start();
    await context.hub
      .kubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: 'clusters' } } });
  });

  const custom = () => context.hub.kubeConfig().makeApiClient(CustomObjectsApi);
  const readCluster = (name: string) =>
    custom()
      .getNamespacedCustomObject({
        group: 'hypershift.openshift.io',
        version: 'v1beta1',
        namespace: 'clusters',
        plural: 'hostedclusters',
        name,
      })
      .catch(() => undefined);
  const condition = (hc: any, type: string) =>
    hc?.status?.conditions?.find((c: { type: string }) => c.type === type);
  // Under the suite's folder, which the hub's teardown removes.
  const tenantKubeconfig = () =>
    path.join(context.workdir, 'tenant.kubeconfig');
  const readyTenantNodes = () =>
    execFileSync(hubBinaries().kubectl, [
      '--kubeconfig',
      tenantKubeconfig(),
      'get',
      'nodes',
      '--no-headers',
    ])
      .toString()
      .split('\n')
      .filter(line => / Ready /.test(line))
      .map(line => line.split(/\s+/)[0])
      .sort();
  const machines = async (
    plural: 'virtualmachines' | 'virtualmachineinstances',
  ) =>
    (
      (await custom().listNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        namespace: controlPlaneNamespace('clusters', 'alpha'),
        plural,
      })) as { items: any[] }
    ).items;
  const runningVms = async () =>
    (await machines('virtualmachines'))
      .filter(vm => vm.status?.printableStatus === 'Running')
      .map(vm => vm.metadata.name)
      .sort();
  const scalePool = (replicas: number) =>
    custom().patchNamespacedCustomObject({
      group: 'hypershift.openshift.io',
      version: 'v1beta1',
      namespace: 'clusters',
      plural: 'nodepools',
      name: 'workers',
      body: [{ op: 'replace', path: '/spec/replicas', value: replicas }],
    });

  it('runs a HostedCluster with a pool of 2 as a real tenant: control plane, Available, 2 Ready nodes', async () => {
    const client = KubernetesObjectApi.makeApiClient(context.hub.kubeConfig());
    await client.create(minimalHostedCluster('clusters', 'alpha', RELEASE));
    await client.create(
      minimalNodePool('clusters', 'alpha', 'workers', 2, RELEASE),
    );

    const hc = await waitFor('alpha to be Available', async () => {
      const current = await readCluster('alpha');
      return condition(current, 'Available')?.status === 'True' &&
        current.status.kubeconfig
        ? current
        : undefined;
    });
    expect(hc.metadata.labels['hostplane.io/standin']).toBe('real');
    expect(hc.status.version.history[0]).toMatchObject({
      state: 'Completed',
      version: 'v1.37.2',
    });
    const tenant = operator.tenant('clusters', 'alpha')!;
    expect(
      `https://${hc.status.controlPlaneEndpoint.host}:${hc.status.controlPlaneEndpoint.port}`,
    ).toBe(tenant.server);

    const core = context.hub.kubeConfig().makeApiClient(CoreV1Api);
    await waitFor('control-plane pods Running', async () => {
      const pods = await core.listNamespacedPod({
        namespace: controlPlaneNamespace('clusters', 'alpha'),
        labelSelector: 'app',
      });
      const running = pods.items
        .filter(p => p.status?.phase === 'Running')
        .map(p => p.metadata!.labels!.app);
      return running.sort().join(',') ===
        'etcd,kube-apiserver,kube-controller-manager,kube-scheduler'
        ? true
        : undefined;
    });

    const secret = await core.readNamespacedSecret({
      namespace: 'clusters',
      name: hc.status.kubeconfig.name,
    });
    fs.writeFileSync(
      tenantKubeconfig(),
      Buffer.from(secret.data!.kubeconfig, 'base64'),
    );
    await waitFor('2 Ready tenant nodes', async () =>
      readyTenantNodes().length === 2 ? true : undefined,
    );

    // KubeVirt's side in the hub: a VM, its VMI and its virt-launcher pod per replica.
    expect(await runningVms()).toEqual(['workers-0', 'workers-1']);
    await waitFor('2 VMIs Running', async () =>
      (
        await machines('virtualmachineinstances')
      ).filter(vmi => vmi.status?.phase === 'Running').length === 2
        ? true
        : undefined,
    );
    const launchers = await core.listNamespacedPod({
      namespace: controlPlaneNamespace('clusters', 'alpha'),
      labelSelector: 'kubevirt.io=virt-launcher',
    });
    expect(launchers.items.map(p => p.metadata!.name).sort()).toEqual([
      'virt-launcher-workers-0',
      'virt-launcher-workers-1',
    ]);
  });

  it('wires the control-plane pods to the processes: logs, exec into etcd, port-forward to etcd', async () => {
    const namespace = controlPlaneNamespace('clusters', 'alpha');
    const tenant = operator.tenant('clusters', 'alpha')!;
    const hub = ['--kubeconfig', context.hub.kubeconfigPath, '-n', namespace];
    const kubectl = (...args: string[]) =>
      execFileSync(hubBinaries().kubectl, [...hub, ...args]).toString();

    const realLog = fs.readFileSync(
      path.join(tenant.clusterDir, 'logs', 'kube-apiserver.log'),
      'utf8',
    );
    const firstLine = realLog.split('\n').find(line => line.trim().length > 0)!;
    const logs = await waitFor('kubectl logs of kube-apiserver', async () => {
      const out = kubectl(
        'logs',
        'deploy/kube-apiserver',
        '--tail=-1',
        '--since=1h',
      );
      return out.includes(firstLine) ? out : undefined;
    });
    expect(logs).toContain(firstLine);

    const status = kubectl(
      'exec',
      'etcd-0',
      '--',
      'etcdctl',
      'endpoint',
      'status',
      '-w',
      'json',
    );
    expect(JSON.parse(status)[0].Endpoint).toBe(
      `http://127.0.0.1:${tenant.etcdPort()}`,
    );

    const forward = spawn(hubBinaries().kubectl, [
      ...hub,
      'port-forward',
      'pod/etcd-0',
      ':2379',
    ]);
    try {
      const localPort = await new Promise<number>((resolve, reject) => {
        forward.stdout.on('data', (chunk: Buffer) => {
          const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(
            chunk.toString(),
          );
          if (match) resolve(Number(match[1]));
        });
        forward.once('exit', code =>
          reject(new Error(`kubectl port-forward exited with ${code}`)),
        );
      });
      const etcd = `http://127.0.0.1:${localPort}`;
      const key = Buffer.from('/hostplane/probe').toString('base64');
      const value = Buffer.from('through the hub').toString('base64');
      await fetch(`${etcd}/v3/kv/put`, {
        method: 'POST',
        body: JSON.stringify({ key, value }),
      });
      const got = await (
        await fetch(`${etcd}/v3/kv/range`, {
          method: 'POST',
          body: JSON.stringify({ key }),
        })
      ).json();
      expect(Buffer.from(got.kvs[0].value, 'base64').toString()).toBe(
        'through the hub',
      );
    } finally {
      forward.kill();
    }
  });

  it('follows the NodePool to 3 and then 1: VMs in the hub and nodes in the tenant', async () => {
    await scalePool(3);
    await waitFor('3 Ready tenant nodes', async () =>
      readyTenantNodes().length === 3 ? true : undefined,
    );
    await scalePool(1);
    await waitFor('1 Ready tenant node', async () =>
      readyTenantNodes().length === 1 ? true : undefined,
    );
    expect(readyTenantNodes()).toEqual(['workers-0']);
    await waitFor('1 VM left', async () =>
      (await machines('virtualmachines')).length === 1 ? true : undefined,
    );
    expect(await runningVms()).toEqual(['workers-0']);
  });

  it('reports KubeAPIServerAvailable False when the API server dies, and True once it is back', async () => {
    const tenant = operator.tenant('clusters', 'alpha')!;
    tenant.killComponent('kube-apiserver');
    const down = await waitFor('KubeAPIServerAvailable False', async () => {
      const hc = await readCluster('alpha');
      return condition(hc, 'KubeAPIServerAvailable')?.status === 'False'
        ? hc
        : undefined;
    });
    expect(condition(down, 'KubeAPIServerAvailable').reason).toBe(
      'WaitingForAvailable',
    );
    expect(condition(down, 'Available').status).toBe('False');
    expect(condition(down, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'UnavailableReplicas',
    });

    await tenant.stop();
    await tenant.up();
    await waitFor('KubeAPIServerAvailable True again', async () =>
      condition(await readCluster('alpha'), 'KubeAPIServerAvailable')
        ?.status === 'True'
        ? true
        : undefined,
    );
  });

  it('leaves HostedClusters beyond its limit of real tenants to the KWOK Stages', async () => {
    const client = KubernetesObjectApi.makeApiClient(context.hub.kubeConfig());
    await client.create(minimalHostedCluster('clusters', 'beta', RELEASE));
    const beta = await waitFor(
      'beta to be Available through the Stages',
      async () => {
        const current = await readCluster('beta');
        return condition(current, 'Available')?.status === 'True'
          ? current
          : undefined;
      },
    );
    expect(beta.metadata.labels?.['hostplane.io/standin']).toBeUndefined();
    expect(operator.tenant('clusters', 'beta')).toBeUndefined();
  });

  it('deletes a HostedCluster with nothing left behind: processes, control-plane namespace, Secret', async () => {
    const tenant = operator.tenant('clusters', 'alpha')!;
    const pids = tenant.processIds();
    const server = tenant.server;
    await custom().deleteNamespacedCustomObject({
      group: 'hypershift.openshift.io',
      version: 'v1beta1',
      namespace: 'clusters',
      plural: 'hostedclusters',
      name: 'alpha',
    });
    await waitFor('alpha to be gone', async () =>
      (await readCluster('alpha')) ? undefined : true,
    );
    expect(pids.filter(isAlive)).toEqual([]);
    expect(tenant.exists()).toBe(false);
    const core = context.hub.kubeConfig().makeApiClient(CoreV1Api);
    await waitFor('the control-plane namespace to be gone', async () =>
      (await core
        .readNamespace({ name: controlPlaneNamespace('clusters', 'alpha') })
        .catch(() => undefined))
        ? undefined
        : true,
    );
    await expect(
      core.readNamespacedSecret({
        namespace: 'clusters',
        name: 'alpha-admin-kubeconfig',
      }),
    ).rejects.toThrow();
    await expect(fetch(`${server}/readyz`)).rejects.toThrow();
  });
});
