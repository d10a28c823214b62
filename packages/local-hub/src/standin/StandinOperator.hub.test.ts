import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import {
  RELEASE_IMAGE_ANNOTATION,
  controlPlaneNamespace,
} from '../controlplane';
import { hubBinaries } from '../paths';
import { isAlive } from '../processes';
import {
  HOSTED_CLUSTER_FINALIZER,
  INJECT_FAILURE_ANNOTATION,
  InjectedFailure,
  NODE_POOL_STALL,
  STANDIN_LABEL,
  VM_BOOT_FAILURE,
} from '../stages';
import { minimalHostedCluster, minimalNodePool } from '../testing/fixtures';
import { StandinLog, describeConditions } from '../testing/realTenantWait';
import { useTestHub } from '../testing/useTestHub';
import { REAL, StandinOperator } from './StandinOperator';

jest.setTimeout(600_000);

const RELEASE = 'registry.hostplane.local/kubernetes-release:v1.37.2';
const NEXT_RELEASE = 'registry.hostplane.local/kubernetes-release:v1.37.3';

describe('StandinOperator', () => {
  let operator: StandinOperator;
  // Declared before the hub's own teardown, so the operator stops watching before the hub goes.
  afterAll(async () => {
    await operator?.stop();
  });
  const context = useTestHub('standin-test');
  const standinLog = new StandinLog();

  const tenantsWorkdir = () => path.join(context.workdir, 'tenants');
  const newOperator = () =>
    new StandinOperator({
      hubKubeConfig: context.hub.kubeConfig(),
      maxRealTenants: 1,
      tenantsWorkdir: tenantsWorkdir(),
      probeIntervalMs: 500,
      log: standinLog.log,
    });

  beforeAll(async () => {
    operator = newOperator();
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
  const readPool = (name: string) =>
    custom()
      .getNamespacedCustomObject({
        group: 'hypershift.openshift.io',
        version: 'v1beta1',
        namespace: 'clusters',
        plural: 'nodepools',
        name,
      })
      .catch(() => undefined) as Promise<any>;
  /** Deletes a HostedCluster and waits until the stand-in has let it go. */
  const deleteCluster = async (name: string) => {
    await custom().deleteNamespacedCustomObject({
      group: 'hypershift.openshift.io',
      version: 'v1beta1',
      namespace: 'clusters',
      plural: 'hostedclusters',
      name,
    });
    await waitFor(`${name} to be gone`, async () =>
      (await readCluster(name)) ? undefined : true,
    );
  };
  /** What the tenants' folder holds for a tenant (named after its control-plane namespace). */
  const tenantFiles = (namespace: string) =>
    fs
      .readdirSync(tenantsWorkdir(), { recursive: true })
      .map(String)
      .filter(file => file.includes(namespace));
  const condition = (object: any, type: string) =>
    object?.status?.conditions?.find((c: { type: string }) => c.type === type);
  const hubCore = () => context.hub.kubeConfig().makeApiClient(CoreV1Api);
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
  const patchPool = (name: string, body: object[]) =>
    custom().patchNamespacedCustomObject({
      group: 'hypershift.openshift.io',
      version: 'v1beta1',
      namespace: 'clusters',
      plural: 'nodepools',
      name,
      body,
    });
  const scalePool = (replicas: number, name = 'workers') =>
    patchPool(name, [
      { op: 'replace', path: '/spec/replicas', value: replicas },
    ]);
  /** Injects a failure into a NodePool, or heals it (undefined). */
  const injectFailure = async (
    name: string,
    failure: InjectedFailure | undefined,
  ) => {
    const annotations = { ...(await readPool(name)).metadata.annotations };
    if (failure) {
      annotations[INJECT_FAILURE_ANNOTATION] = failure;
    } else {
      delete annotations[INJECT_FAILURE_ANNOTATION];
    }
    await patchPool(name, [
      { op: 'add', path: '/metadata/annotations', value: annotations },
    ]);
  };
  const poolWith = (
    name: string,
    description: string,
    holds: (pool: any) => boolean,
  ) =>
    waitFor(description, async () => {
      const pool = await readPool(name);
      return pool && holds(pool) ? pool : undefined;
    });

  it('runs a HostedCluster with a pool of 2 as a real tenant: control plane, Available, 2 Ready nodes', async () => {
    const client = KubernetesObjectApi.makeApiClient(context.hub.kubeConfig());
    await client.create(minimalHostedCluster('clusters', 'alpha', RELEASE));
    await client.create(
      minimalNodePool('clusters', 'alpha', 'workers', 2, RELEASE),
    );

    // Available once its API server answers; its release Completed once the control-plane pods
    // run too.
    const hc = await standinLog.waitForTenant(
      'alpha to be Available',
      async () => {
        const current: any = await readCluster('alpha');
        if (
          condition(current, 'Available')?.status === 'True' &&
          current.status.kubeconfig &&
          current.status.version.history[0].state === 'Completed'
        ) {
          return current;
        }
        // The last of these is the timeout's message: what alpha's status said at the end.
        throw new Error(
          `release ${
            current?.status?.version?.history?.[0]?.state ?? 'not started'
          }, conditions ${describeConditions(current?.status?.conditions)}`,
        );
      },
    );
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

  it('rolls the control-plane pods to a new release and reports it first in the version history, Completed', async () => {
    const namespace = controlPlaneNamespace('clusters', 'alpha');
    const controlPlanePods = async () =>
      (await hubCore().listNamespacedPod({ namespace, labelSelector: 'app' }))
        .items;
    const before = new Set(
      (await controlPlanePods()).map(pod => pod.metadata!.uid),
    );
    const pids = operator.tenant('clusters', 'alpha')!.processIds();

    await custom().patchNamespacedCustomObject({
      group: 'hypershift.openshift.io',
      version: 'v1beta1',
      namespace: 'clusters',
      plural: 'hostedclusters',
      name: 'alpha',
      body: [
        { op: 'replace', path: '/spec/release/image', value: NEXT_RELEASE },
      ],
    });
    const hc = await waitFor('v1.37.3 to be Completed', async () => {
      const current = await readCluster('alpha');
      return current?.status.version.history[0].version === 'v1.37.3' &&
        current.status.version.history[0].state === 'Completed'
        ? current
        : undefined;
    });
    expect(
      hc.status.version.history.map((h: any) => [h.version, h.state]),
    ).toEqual([
      ['v1.37.3', 'Completed'],
      ['v1.37.2', 'Completed'],
    ]);
    expect(hc.status.version.desired.version).toBe('v1.37.3');
    expect(condition(hc, 'Progressing').status).toBe('False');

    // The hub's controllers replaced every pod with one of the new template.
    const after = await waitFor('the old pods to be gone', async () => {
      const pods = await controlPlanePods();
      return pods.some(pod => before.has(pod.metadata!.uid)) ? undefined : pods;
    });
    expect(after.map(pod => pod.metadata!.labels!.app).sort()).toEqual([
      'etcd',
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
    ]);
    for (const pod of after) {
      expect(pod.metadata!.annotations![RELEASE_IMAGE_ANNOTATION]).toBe(
        NEXT_RELEASE,
      );
    }
    // The tenant's processes run on: they are the one Kubernetes version that was built.
    expect(operator.tenant('clusters', 'alpha')!.processIds()).toEqual(pids);
  });

  it('makes the VMs of a pool fail to boot on request, reported as HyperShift would, and heals', async () => {
    await injectFailure('workers', VM_BOOT_FAILURE);
    const failed = await poolWith(
      'workers',
      'AllMachinesReady False',
      pool => condition(pool, 'AllMachinesReady')?.status === 'False',
    );
    expect(condition(failed, 'AllMachinesReady')).toMatchObject({
      reason: 'VMNotReady',
      message:
        '1 of 1 machines are not ready\nMachine workers-0: VMNotReady: VM is not ready: CrashLoopBackOff\n',
    });
    expect(condition(failed, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'WaitingForAvailableMachines',
      message: 'Minimum availability requires 1 replicas, current 0 available',
    });
    expect(failed.status.replicas).toBe(0);

    const vm = await waitFor('the VM to crash-loop', async () =>
      (
        await machines('virtualmachines')
      ).find(m => m.status?.printableStatus === 'CrashLoopBackOff'),
    );
    expect(vm.status.startFailure.consecutiveFailCount).toBeGreaterThan(0);
    await waitFor('the VMI to fail', async () =>
      (await machines('virtualmachineinstances'))[0]?.status?.phase === 'Failed'
        ? true
        : undefined,
    );
    await waitFor('no Ready tenant node', async () =>
      readyTenantNodes().length === 0 ? true : undefined,
    );
    const launchers = await hubCore().listNamespacedPod({
      namespace: controlPlaneNamespace('clusters', 'alpha'),
      labelSelector: 'kubevirt.io=virt-launcher',
    });
    expect(launchers.items).toEqual([]);

    await injectFailure('workers', undefined);
    await poolWith(
      'workers',
      'the pool Ready again',
      pool =>
        condition(pool, 'Ready')?.status === 'True' &&
        pool.status.replicas === 1,
    );
    await waitFor('1 Ready tenant node', async () =>
      readyTenantNodes().length === 1 ? true : undefined,
    );
    expect(await runningVms()).toEqual(['workers-0']);
    await waitFor('a new VMI Running', async () =>
      (await machines('virtualmachineinstances'))[0]?.status?.phase ===
      'Running'
        ? true
        : undefined,
    );
  });

  it('stalls a pool on request: nothing created, the pool short of its size and not Ready; converges once healed', async () => {
    await injectFailure('workers', NODE_POOL_STALL);
    await scalePool(2);
    const stalled = await poolWith(
      'workers',
      'the pool not Ready',
      pool => condition(pool, 'Ready')?.status === 'False',
    );
    expect(condition(stalled, 'Ready')).toMatchObject({
      reason: 'WaitingForAvailableMachines',
      message: 'Minimum availability requires 2 replicas, current 1 available',
    });
    expect(stalled.status.replicas).toBe(1);
    // A few probes later the stand-in has still created nothing.
    await new Promise(resolve => setTimeout(resolve, 2_000));
    expect(
      (await machines('virtualmachines')).map(m => m.metadata.name),
    ).toEqual(['workers-0']);
    expect(readyTenantNodes()).toEqual(['workers-0']);

    await injectFailure('workers', undefined);
    await waitFor('2 Ready tenant nodes', async () =>
      readyTenantNodes().length === 2 ? true : undefined,
    );
    await poolWith(
      'workers',
      'the pool Ready at 2',
      pool =>
        condition(pool, 'Ready')?.status === 'True' &&
        pool.status.replicas === 2,
    );
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

  it('reports failures injected into the pools whose status the Stages write', async () => {
    const client = KubernetesObjectApi.makeApiClient(context.hub.kubeConfig());
    await client.create(
      minimalNodePool('clusters', 'beta', 'beta-workers', 2, RELEASE),
    );
    await poolWith(
      'beta-workers',
      'beta-workers Ready',
      pool => condition(pool, 'Ready')?.status === 'True',
    );

    await injectFailure('beta-workers', VM_BOOT_FAILURE);
    const failed = await poolWith(
      'beta-workers',
      'AllMachinesReady False',
      pool => condition(pool, 'AllMachinesReady')?.status === 'False',
    );
    expect(condition(failed, 'AllMachinesReady')).toMatchObject({
      reason: 'VMNotReady',
      message:
        '2 of 2 machines are not ready\nMachine beta-workers-0: VMNotReady: VM is not ready: CrashLoopBackOff\nMachine beta-workers-1: VMNotReady: VM is not ready: CrashLoopBackOff\n',
    });
    expect(condition(failed, 'AllNodesHealthy')).toMatchObject({
      status: 'False',
      reason: 'NodeProvisioning',
    });
    expect(condition(failed, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'WaitingForAvailableMachines',
    });
    expect(failed.status).toMatchObject({ replicas: 0, version: 'v1.37.2' });

    await injectFailure('beta-workers', NODE_POOL_STALL);
    await poolWith(
      'beta-workers',
      'a stalled pool keeps the machines it has',
      pool =>
        condition(pool, 'Ready')?.message ===
          'Minimum availability requires 2 replicas, current 0 available' &&
        condition(pool, 'AllMachinesReady')?.status === 'True',
    );
    await injectFailure('beta-workers', undefined);
    await poolWith(
      'beta-workers',
      'healed: Ready at 2',
      pool =>
        condition(pool, 'Ready')?.status === 'True' &&
        pool.status.replicas === 2,
    );
    await injectFailure('beta-workers', NODE_POOL_STALL);
    await scalePool(3, 'beta-workers');
    const stalled = await poolWith(
      'beta-workers',
      'stalled at 2 of 3',
      pool => condition(pool, 'Ready')?.status === 'False',
    );
    expect(condition(stalled, 'Ready').message).toBe(
      'Minimum availability requires 3 replicas, current 2 available',
    );
    expect(stalled.status.replicas).toBe(2);
    await injectFailure('beta-workers', undefined);
    await poolWith(
      'beta-workers',
      'healed: Ready at 3',
      pool =>
        condition(pool, 'Ready')?.status === 'True' &&
        pool.status.replicas === 3,
    );

    // beta is done with; later tests want no HostedCluster besides their own.
    await custom().deleteNamespacedCustomObject({
      group: 'hypershift.openshift.io',
      version: 'v1beta1',
      namespace: 'clusters',
      plural: 'hostedclusters',
      name: 'beta',
    });
    await waitFor('beta to be gone', async () =>
      (await readCluster('beta')) ? undefined : true,
    );
  });

  it('deletes a HostedCluster with nothing left behind: processes, control-plane namespace, Secret', async () => {
    const tenant = operator.tenant('clusters', 'alpha')!;
    const pids = tenant.processIds();
    const server = tenant.server;
    await deleteCluster('alpha');
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
  it('runs a highly available tenant on three etcd members, each behind its own pod, and rides out the loss of one', async () => {
    const client = KubernetesObjectApi.makeApiClient(context.hub.kubeConfig());
    const hostedCluster = minimalHostedCluster('clusters', 'epsilon', RELEASE);
    await client.create({
      ...hostedCluster,
      spec: {
        ...(hostedCluster.spec as object),
        controllerAvailabilityPolicy: 'HighlyAvailable',
      },
    });
    const available = (hc: any) =>
      condition(hc, 'Available')?.status === 'True';
    // Available as the stand-in reports it (the KWOK Stages may report it first): at the
    // tenant's own endpoint.
    const tenant = await standinLog.waitForTenant(
      'epsilon to run, Available',
      async () => {
        const hc: any = await readCluster('epsilon');
        const running = operator.tenant('clusters', 'epsilon');
        const endpoint = hc?.status?.controlPlaneEndpoint;
        if (
          running &&
          available(hc) &&
          `https://${endpoint.host}:${endpoint.port}` === running.server
        ) {
          return running;
        }
        throw new Error(
          `${running ? 'running' : 'not running yet'}, endpoint ${
            endpoint ? `${endpoint.host}:${endpoint.port}` : 'none'
          }, conditions ${describeConditions(hc?.status?.conditions)}`,
        );
      },
    );
    const members = tenant.etcdMembers();
    expect(members.map(m => m.name)).toEqual(['node0', 'node1', 'node2']);

    const namespace = controlPlaneNamespace('clusters', 'epsilon');
    await waitFor('the three etcd pods Running', async () => {
      const pods = await hubCore().listNamespacedPod({
        namespace,
        labelSelector: 'app=etcd',
      });
      return pods.items.filter(p => p.status?.phase === 'Running').length === 3
        ? true
        : undefined;
    });
    const kubectl = (...args: string[]) =>
      execFileSync(hubBinaries().kubectl, [
        '--kubeconfig',
        context.hub.kubeconfigPath,
        '-n',
        namespace,
        ...args,
      ]).toString();
    const memberList = JSON.parse(
      kubectl(
        'exec',
        'etcd-2',
        '--',
        'etcdctl',
        'member',
        'list',
        '-w',
        'json',
      ),
    );
    expect(memberList.members.map((m: any) => m.name).sort()).toEqual([
      'node0',
      'node1',
      'node2',
    ]);
    const status = JSON.parse(
      kubectl(
        'exec',
        'etcd-2',
        '--',
        'etcdctl',
        'endpoint',
        'status',
        '-w',
        'json',
      ),
    );
    expect(status[0].Endpoint).toBe(
      `http://127.0.0.1:${members[2].clientPort}`,
    );
    const memberLog = fs
      .readFileSync(path.join(tenant.clusterDir, 'logs', 'etcd-1.log'), 'utf8')
      .split('\n')[0];
    await waitFor("kubectl logs etcd-1 to show member 1's log", async () =>
      kubectl('logs', 'etcd-1', '--tail=-1').includes(memberLog)
        ? true
        : undefined,
    );

    // The first member is the one kwokctl runs and the API server was started with: without it
    // the others keep quorum and the API server reaches them.
    tenant.killEtcdMember(0);
    // If it led, the two left elect a new leader first, and etcd reports no quorum meanwhile.
    const degraded = await waitFor(
      'epsilon Degraded by the lost member, etcd with quorum',
      async () => {
        const hc = await readCluster('epsilon');
        return condition(hc, 'Degraded')?.status === 'True' &&
          condition(hc, 'EtcdAvailable')?.status === 'True'
          ? hc
          : undefined;
      },
    );
    expect(condition(degraded, 'Degraded')).toMatchObject({
      reason: 'EtcdUnavailable',
      message: 'etcd statefulset has 1 unavailable replicas',
    });
    expect(condition(degraded, 'EtcdAvailable')).toMatchObject({
      status: 'True',
      reason: 'QuorumAvailable',
    });
    expect(available(degraded)).toBe(true);
    // A write through the tenant's API server commits on the two members left.
    execFileSync(hubBinaries().kubectl, [
      '--kubeconfig',
      tenant.kubeconfigPath,
      'create',
      'namespace',
      'written-without-node0',
    ]);

    await tenant.stop();
    await tenant.up();
    await waitFor('epsilon no longer Degraded', async () =>
      condition(await readCluster('epsilon'), 'Degraded')?.status === 'False'
        ? true
        : undefined,
    );

    const pids = tenant.processIds();
    expect(pids).toHaveLength(7);
    await deleteCluster('epsilon');
    expect(pids.filter(isAlive)).toEqual([]);
    expect(tenantFiles(namespace)).toEqual([]);
  });

  it('removes, when it starts, what HostedClusters deleted while it was not running left behind', async () => {
    const client = KubernetesObjectApi.makeApiClient(context.hub.kubeConfig());
    await client.create(minimalHostedCluster('clusters', 'delta', RELEASE));
    await client.create(
      minimalNodePool('clusters', 'delta', 'delta-workers', 1, RELEASE),
    );
    await standinLog.waitForTenant('delta to run, with a VM', async () => {
      const vms = (await custom()
        .listNamespacedCustomObject({
          group: 'kubevirt.io',
          version: 'v1',
          namespace: controlPlaneNamespace('clusters', 'delta'),
          plural: 'virtualmachines',
        })
        .catch(() => ({ items: [] }))) as { items: unknown[] };
      const hc: any = await readCluster('delta');
      if (
        condition(hc, 'Available')?.status === 'True' &&
        vms.items.length === 1
      ) {
        return true;
      }
      throw new Error(
        `${vms.items.length} VMs, conditions ${describeConditions(
          hc?.status?.conditions,
        )}`,
      );
    });
    const delta = operator.tenant('clusters', 'delta')!;
    await operator.stop();

    const hostedCluster = (name: string) => ({
      group: 'hypershift.openshift.io',
      version: 'v1beta1',
      namespace: 'clusters',
      plural: 'hostedclusters',
      name,
    });
    // delta is deleted with its finalizer taken off by hand (its processes are stopped, as the
    // stand-in leaves them when it stops): only what it left says it existed.
    await custom().deleteNamespacedCustomObject(hostedCluster('delta'));
    await custom().patchNamespacedCustomObject({
      ...hostedCluster('delta'),
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    });
    await waitFor('delta to be gone', async () =>
      (await readCluster('delta')) ? undefined : true,
    );
    expect(delta.exists()).toBe(true);
    // gamma, which a stand-in had taken on (its mark and finalizer), is deleted as usual: the
    // finalizer keeps it until a stand-in runs again.
    await client.create({
      ...minimalHostedCluster('clusters', 'gamma', RELEASE),
      metadata: {
        namespace: 'clusters',
        name: 'gamma',
        labels: { [STANDIN_LABEL]: REAL },
        finalizers: [HOSTED_CLUSTER_FINALIZER],
      },
    });
    await custom().deleteNamespacedCustomObject(hostedCluster('gamma'));
    expect(
      (await readCluster('gamma')).metadata.deletionTimestamp,
    ).toBeDefined();

    operator = newOperator();
    await operator.start();
    expect(delta.exists()).toBe(false);
    await waitFor('gamma to be gone', async () =>
      (await readCluster('gamma')) ? undefined : true,
    );

    const namespace = controlPlaneNamespace('clusters', 'delta');
    await waitFor(`${namespace} (and the VM in it) to be gone`, async () =>
      (await hubCore()
        .readNamespace({ name: namespace })
        .catch(() => undefined))
        ? undefined
        : true,
    );
    await expect(
      hubCore().readNamespacedSecret({
        namespace: 'clusters',
        name: 'delta-admin-kubeconfig',
      }),
    ).rejects.toThrow();
    for (const plural of [
      'clusterlogs',
      'clusterexecs',
      'clusterportforwards',
    ]) {
      await expect(
        custom().getClusterCustomObject({
          group: 'kwok.x-k8s.io',
          version: 'v1alpha1',
          plural,
          name: namespace,
        }),
      ).rejects.toThrow();
    }
    expect(tenantFiles(namespace)).toEqual([]);
  });
});
