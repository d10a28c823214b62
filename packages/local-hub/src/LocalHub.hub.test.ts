import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { getRaw, waitFor } from '@hostplane/plugin-hostplane-node';
import { LocalHub } from './LocalHub';
import { hubBinaries } from './paths';
import { portFree } from './ports';
import { isAlive } from './processes';
import { useTestHub } from './testing/useTestHub';
import {
  fakeNode,
  minimalHostedCluster,
  minimalNodePool,
  minimalVirtualMachine,
} from './testing/fixtures';

jest.setTimeout(300_000);

function condition(object: any, type: string) {
  return object?.status?.conditions?.find(
    (c: { type: string }) => c.type === type,
  );
}

describe('LocalHub', () => {
  const context = useTestHub('hub-test');
  let hub: LocalHub;
  beforeAll(() => {
    hub = context.hub;
  });

  it('boots from the cached binaries and answers /readyz', async () => {
    const { status, body } = await getRaw(hub.kubeConfig(), '/readyz');
    expect(status).toBe(200);
    expect(body).toBe('ok');
    const version = JSON.parse(
      (await getRaw(hub.kubeConfig(), '/version')).body,
    );
    expect(version.gitVersion).toBe('v1.37.2');
    expect(hub.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(fs.existsSync(hub.auditLogPath)).toBe(true);
  });

  it('has the HyperShift, KubeVirt and Kamaji CRDs Established', async () => {
    const api = hub.kubeConfig().makeApiClient(ApiextensionsV1Api);
    for (const name of [
      'hostedclusters.hypershift.openshift.io',
      'nodepools.hypershift.openshift.io',
      'virtualmachines.kubevirt.io',
      'virtualmachineinstances.kubevirt.io',
      'tenantcontrolplanes.kamaji.clastix.io',
      'datastores.kamaji.clastix.io',
    ]) {
      const crd = await api.readCustomResourceDefinition({ name });
      expect(condition(crd, 'Established')?.status).toBe('True');
    }
  });

  it('rejects an invalid HostedCluster with the schema message and brings a valid one to Available', async () => {
    const client = KubernetesObjectApi.makeApiClient(hub.kubeConfig());
    const core = hub.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'clusters' } } });

    const invalid = minimalHostedCluster('clusters', 'invalid');
    (invalid.spec as any).platform = { type: 42 };
    await expect(client.create(invalid)).rejects.toThrow(
      /spec\.platform\.type/,
    );

    await client.create(minimalHostedCluster('clusters', 'valid'));
    const custom = hub.kubeConfig().makeApiClient(CustomObjectsApi);
    const available = await waitFor(
      'HostedCluster valid to be Available',
      async () => {
        const hc = await custom.getNamespacedCustomObject({
          group: 'hypershift.openshift.io',
          version: 'v1beta1',
          namespace: 'clusters',
          plural: 'hostedclusters',
          name: 'valid',
        });
        return condition(hc, 'Available')?.status === 'True' ? hc : undefined;
      },
    );
    expect(condition(available, 'Available').reason).toBe('AsExpected');
    expect(condition(available, 'Progressing').status).toBe('False');
    expect(condition(available, 'Degraded').status).toBe('False');
    expect(available.status.version.history[0]).toMatchObject({
      state: 'Completed',
      version: '4.17.0',
    });
  });

  it('makes a KWOK node Ready and runs a pod on it', async () => {
    const kubeConfig = hub.kubeConfig();
    const client = KubernetesObjectApi.makeApiClient(kubeConfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await client.create(fakeNode('kwok-node-0'));
    await waitFor('node kwok-node-0 to be Ready', async () => {
      const node = await core.readNode({ name: 'kwok-node-0' });
      return condition(node, 'Ready')?.status === 'True' ? true : undefined;
    });
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'hello' },
        spec: {
          nodeName: 'kwok-node-0',
          containers: [{ name: 'hello', image: 'registry.example/hello:1' }],
        },
      },
    });
    const pod = await waitFor('pod hello to run', async () => {
      const current = await core.readNamespacedPod({
        namespace: 'default',
        name: 'hello',
      });
      return current.status?.phase === 'Running' ? current : undefined;
    });
    expect(condition(pod, 'Ready')?.status).toBe('True');
    expect(pod.status?.podIP).toBeTruthy();
  });

  it('brings a NodePool to its replicas and Ready, and follows a resize', async () => {
    const client = KubernetesObjectApi.makeApiClient(hub.kubeConfig());
    const custom = hub.kubeConfig().makeApiClient(CustomObjectsApi);
    await client.create(minimalNodePool('clusters', 'valid', 'workers', 2));
    const readPool = () =>
      custom.getNamespacedCustomObject({
        group: 'hypershift.openshift.io',
        version: 'v1beta1',
        namespace: 'clusters',
        plural: 'nodepools',
        name: 'workers',
      });
    const ready = await waitFor(
      'NodePool workers to report 2 replicas',
      async () => {
        const pool = await readPool();
        return pool.status?.replicas === 2 ? pool : undefined;
      },
    );
    expect(condition(ready, 'Ready')).toMatchObject({
      status: 'True',
      reason: 'AsExpected',
    });
    expect(condition(ready, 'AllMachinesReady')?.status).toBe('True');
    expect(ready.status.version).toBe('4.17.0');

    await custom.patchNamespacedCustomObject({
      group: 'hypershift.openshift.io',
      version: 'v1beta1',
      namespace: 'clusters',
      plural: 'nodepools',
      name: 'workers',
      body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    });
    await waitFor('NodePool workers to report 3 replicas', async () =>
      (await readPool()).status?.replicas === 3 ? true : undefined,
    );
  });

  it('starts a VirtualMachine: Starting, then Running and Ready', async () => {
    const client = KubernetesObjectApi.makeApiClient(hub.kubeConfig());
    await client.create(minimalVirtualMachine('clusters', 'vm-0'));
    const custom = hub.kubeConfig().makeApiClient(CustomObjectsApi);
    const vm = await waitFor('VirtualMachine vm-0 to run', async () => {
      const current = await custom.getNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        namespace: 'clusters',
        plural: 'virtualmachines',
        name: 'vm-0',
      });
      return current.status?.printableStatus === 'Running'
        ? current
        : undefined;
    });
    expect(vm.status.ready).toBe(true);
    expect(condition(vm, 'Ready')?.status).toBe('True');
  });

  it('works with the kubectl it was built with', () => {
    const out = execFileSync(hubBinaries().kubectl, [
      '--kubeconfig',
      hub.kubeconfigPath,
      'get',
      'hostedclusters',
      '-A',
      '-o',
      'name',
    ]).toString();
    expect(out).toContain('hostedcluster.hypershift.openshift.io/valid');
  });

  it('starts again on its ports after a stop, and says which port another process holds', async () => {
    await hub.stop();
    const holder = net.createServer();
    await new Promise<void>(resolve =>
      holder.listen(hub.etcdPort(), '127.0.0.1', () => resolve()),
    );
    // Briefly: while the hub is stopped its other ports are free, and a hub or etcd member
    // another test creates meanwhile may pick one (it did once in CI, with the 30 s wait).
    const storedPortsWaitMs = hub.storedPortsWaitMs;
    hub.storedPortsWaitMs = 2_000;
    try {
      await expect(hub.up()).rejects.toThrow(
        `another process holds its etcdPort ${hub.etcdPort()}, pid ${
          process.pid
        } (`,
      );
    } finally {
      hub.storedPortsWaitMs = storedPortsWaitMs;
      await new Promise(resolve => holder.close(resolve));
    }
    await hub.up();
    expect((await getRaw(hub.kubeConfig(), '/readyz')).status).toBe(200);
  });

  it('tears down with no process left and its ports free', async () => {
    const pids = hub.processIds();
    expect(pids).toHaveLength(5);
    const ports = new Set<number>();
    ports.add(Number(new URL(hub.server).port));
    const kwokConfig = fs.readFileSync(
      path.join(hub.clusterDir, 'kwok.yaml'),
      'utf8',
    );
    for (const match of kwokConfig.matchAll(/(?:Port|port): (\d{4,5})\b/g)) {
      ports.add(Number(match[1]));
    }
    expect(ports.size).toBeGreaterThan(1);

    await hub.delete();

    for (const pid of pids) {
      expect(isAlive(pid)).toBe(false);
    }
    for (const port of ports) {
      expect(await portFree(port)).toBe(true);
    }
    expect(hub.exists()).toBe(false);
  });
});
