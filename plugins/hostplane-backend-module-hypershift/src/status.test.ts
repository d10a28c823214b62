import fs from 'node:fs';
import path from 'node:path';
import { KubernetesObject, loadAllYaml } from '@kubernetes/client-node';
import {
  ClusterStatus,
  OWNER_REF_ANNOTATION,
  SPEC_ANNOTATION,
} from '@hostplane/plugin-hostplane-common';
import {
  highlyAvailable,
  releases,
  singleReplica,
} from './__fixtures__/clusters';
import { HypershiftKubevirtProvider } from './HypershiftKubevirtProvider';
import { clusterStatus, retainForStatus } from './status';

type DeepPartial<T> = T extends object
  ? T extends Array<infer U>
    ? Array<DeepPartial<U>>
    : { [K in keyof T]?: DeepPartial<T[K]> }
  : T;

type AnyObject = KubernetesObject & { spec?: any; status?: any };

const NOW = new Date('2026-11-01T12:00:00Z');
const TIME = '2026-11-01T12:00:00Z';

/**
 * Objects of `__testdata__/<name>.yaml`: a cluster's HostedCluster and NodePools in the shape
 * HyperShift gives them (each file names the upstream types it follows), as plain JSON, as the
 * watch hands them over.
 */
function captured(name: string): AnyObject[] {
  const file = path.join(__dirname, '__testdata__', `${name}.yaml`);
  return loadAllYaml(fs.readFileSync(file, 'utf8')).map(
    object => JSON.parse(JSON.stringify(object)) as AnyObject,
  );
}

/** A copy of `objects` with `edit` applied to the object of the given kind (and name). */
function edited(
  objects: AnyObject[],
  kind: string,
  edit: (object: AnyObject) => void,
  name?: string,
): AnyObject[] {
  return objects.map(object => {
    if (object.kind !== kind || (name && object.metadata?.name !== name)) {
      return object;
    }
    const copy = structuredClone(object);
    edit(copy);
    return copy;
  });
}

function setCondition(object: AnyObject, condition: Record<string, string>) {
  object.status.conditions = object.status.conditions.map(
    (c: { type: string }) =>
      c.type === condition.type ? { ...c, ...condition } : c,
  );
}

/** A copy of `objects` with the named NodePool replaced by the failing one of the captures. */
function failing(objects: AnyObject[], name: string): AnyObject[] {
  const pool = captured('node-pools-failing').find(
    object => object.metadata?.name === name,
  )!;
  return objects.map(object =>
    object.kind === 'NodePool' && object.metadata?.name === name
      ? pool
      : object,
  );
}

const provider = new HypershiftKubevirtProvider();

/** A cluster as Hostplane renders it, before any operator has written a status. */
function rendered(spec = highlyAvailable): AnyObject[] {
  return provider
    .render(spec, { controlPlane: releases['v1.37.2'], nodePools: {} })
    .filter(o => o.kind !== 'Namespace') as AnyObject[];
}

/** A Hostplane cluster with the status of a captured running one: available, its pools up. */
function renderedAndRunning(spec = singleReplica): AnyObject[] {
  const [running, runningPool] = captured('hosted-cluster-ready');
  return rendered(spec).map(object => {
    if (object.kind === 'HostedCluster') {
      return {
        ...object,
        metadata: { ...object.metadata, creationTimestamp: NOW as any },
        status: {
          ...running.status,
          controlPlaneEndpoint: { host: '127.0.0.1', port: 40123 },
          kubeconfig: { name: `${spec.name}-admin-kubeconfig` },
        },
      };
    }
    const pool = spec.nodePools.find(
      p => object.metadata?.name === `${spec.name}-${p.name}`,
    )!;
    return {
      ...object,
      status: {
        ...runningPool.status,
        replicas: pool.replicas ?? pool.autoscaling!.min,
      },
    };
  });
}

const readyPool = {
  phase: 'Ready' as const,
  reason: 'AsExpected',
  message: '',
};
const upstreamReady = {
  reason: 'AsExpected',
  message: 'The hosted control plane is available',
};
const waitingForMachines = (replicas: number) => ({
  reason: 'WaitingForAvailableMachines',
  message: `Minimum availability requires ${replicas} replicas, current 0 available`,
});

describe('clusterStatus', () => {
  it.each<[string, AnyObject[], DeepPartial<ClusterStatus>]>([
    [
      'a rendered cluster nobody has reconciled yet is Pending',
      rendered(),
      {
        phase: 'Pending',
        reason: undefined,
        message: undefined,
        version: undefined,
        desiredVersion: 'v1.37.2',
        endpoint: undefined,
        nodePools: [
          {
            name: 'workers',
            phase: 'Pending',
            replicas: 3,
            currentReplicas: 0,
          },
          {
            name: 'gpu',
            phase: 'Pending',
            autoscaling: { min: 1, max: 5 },
            vcpu: 16,
            memoryGiB: 64,
            diskGiB: 200,
          },
        ],
        conditions: [],
      },
    ],
    [
      'a control plane that was never available is Provisioning, with its pools',
      captured('hosted-cluster-provisioning'),
      {
        phase: 'Provisioning',
        reason: 'EtcdWaitingForQuorum',
        message: 'Waiting for etcd to reach quorum',
        version: undefined,
        desiredVersion: 'v1.37.2',
        endpoint: undefined,
        nodePools: [
          { name: 'batch', phase: 'Provisioning', ...waitingForMachines(2) },
          { name: 'workers', phase: 'Provisioning', ...waitingForMachines(3) },
        ],
      },
    ],
    [
      'an available control plane without a single node yet is still Provisioning',
      [
        captured('hosted-cluster-ready')[0],
        ...captured('hosted-cluster-provisioning').filter(
          o => o.kind === 'NodePool',
        ),
      ],
      {
        phase: 'Provisioning',
        ...waitingForMachines(2),
        version: 'v1.37.2',
        desiredVersion: undefined,
      },
    ],
    [
      'an available control plane with every pool at its size is Ready',
      captured('hosted-cluster-ready'),
      {
        hub: 'local',
        name: 'cluster-00001',
        namespace: 'tenants-team-001',
        owner: 'group:default/team-001',
        phase: 'Ready',
        ...upstreamReady,
        version: 'v1.37.2',
        desiredVersion: undefined,
        availability: 'HighlyAvailable',
        endpoint: 'https://api.cluster-00001.tenants-team-001.hub.local:6443',
        nodePools: [
          { name: 'batch', ...readyPool, replicas: 2, currentReplicas: 2 },
          {
            name: 'workers',
            ...readyPool,
            replicas: 3,
            currentReplicas: 3,
            version: 'v1.37.2',
            vcpu: 4,
            memoryGiB: 16,
            diskGiB: 64,
          },
        ],
        deletionProtection: false,
        labels: {},
        spec: undefined,
      },
    ],
    [
      'a control plane moving to a new release is Updating',
      captured('hosted-cluster-updating'),
      {
        phase: 'Updating',
        reason: 'AsExpected',
        message: 'HostedCluster is deploying, upgrading, or reconfiguring',
        version: 'v1.36.4',
        desiredVersion: 'v1.37.2',
        nodePools: [
          { name: 'batch', ...readyPool, version: 'v1.36.4' },
          { name: 'workers', ...readyPool, version: 'v1.36.4' },
        ],
      },
    ],
    [
      'a control plane HyperShift reports Degraded is Degraded',
      captured('hosted-cluster-degraded'),
      {
        phase: 'Degraded',
        reason: 'UnavailableReplicas',
        message: 'kube-apiserver deployment has 1 unavailable replicas',
        version: 'v1.37.2',
      },
    ],
    [
      'a control plane whose etcd lost quorum after it was available is Degraded, for the reason',
      [
        ...captured('hosted-cluster-etcd-quorum-lost'),
        ...captured('hosted-cluster-ready').filter(o => o.kind === 'NodePool'),
      ],
      {
        phase: 'Degraded',
        reason: 'EtcdWaitingForQuorum',
        message: 'Waiting for etcd to reach quorum',
      },
    ],
    [
      'a control plane no longer Available after it was is Degraded, for the Available reason',
      edited(captured('hosted-cluster-ready'), 'HostedCluster', hc =>
        setCondition(hc, {
          type: 'Available',
          status: 'False',
          reason: 'KASLoadBalancerNotReachable',
          message:
            'Get "https://api.example:6443/healthz": dial tcp: i/o timeout',
        }),
      ),
      {
        phase: 'Degraded',
        reason: 'KASLoadBalancerNotReachable',
        message:
          'Get "https://api.example:6443/healthz": dial tcp: i/o timeout',
      },
    ],
    [
      'a cluster whose pools are at zero machines for hibernation is Hibernated',
      captured('hosted-cluster-hibernated'),
      {
        phase: 'Hibernated',
        reason: undefined,
        message: undefined,
        version: 'v1.37.2',
        nodePools: [
          {
            name: 'batch',
            phase: 'Hibernated',
            replicas: 0,
            currentReplicas: 0,
            hibernatedReplicas: 2,
          },
          {
            name: 'workers',
            phase: 'Hibernated',
            replicas: 0,
            currentReplicas: 0,
            hibernatedReplicas: 3,
          },
        ],
      },
    ],
    [
      'a cluster whose machines are still going away for hibernation is Updating',
      edited(
        captured('hosted-cluster-hibernated'),
        'NodePool',
        pool => {
          pool.status.replicas = 3;
        },
        'cluster-00001-workers',
      ),
      {
        phase: 'Updating',
        nodePools: [
          { name: 'batch', phase: 'Hibernated' },
          { name: 'workers', phase: 'Scaling', currentReplicas: 3 },
        ],
      },
    ],
    [
      'a cluster being deleted is Deleting, whatever its conditions say',
      edited(
        edited(captured('hosted-cluster-degraded'), 'HostedCluster', hc => {
          hc.metadata!.deletionTimestamp = NOW;
        }),
        'NodePool',
        pool => {
          pool.metadata!.deletionTimestamp = NOW;
        },
        'cluster-00001-batch',
      ),
      {
        phase: 'Deleting',
        reason: undefined,
        nodePools: [
          { name: 'batch', phase: 'Deleting' },
          { name: 'workers', phase: 'Ready' },
        ],
      },
    ],
    [
      'a release image HyperShift cannot use is Failed',
      edited(captured('hosted-cluster-provisioning'), 'HostedCluster', hc =>
        setCondition(hc, {
          type: 'ValidReleaseImage',
          status: 'False',
          reason: 'InvalidImage',
          message: 'failed to look up release image metadata: manifest unknown',
        }),
      ),
      {
        phase: 'Failed',
        reason: 'InvalidImage',
        message: 'failed to look up release image metadata: manifest unknown',
      },
    ],
    [
      'a configuration HyperShift refuses is Failed, even when hibernated',
      edited(captured('hosted-cluster-hibernated'), 'HostedCluster', hc =>
        setCondition(hc, {
          type: 'ValidConfiguration',
          status: 'False',
          reason: 'InvalidConfiguration',
          message: 'service network overlaps cluster network',
        }),
      ),
      {
        phase: 'Failed',
        reason: 'InvalidConfiguration',
        message: 'service network overlaps cluster network',
      },
    ],
    [
      'a pool rolling out a new release makes the cluster Updating, for its reason',
      edited(
        captured('hosted-cluster-ready'),
        'NodePool',
        pool =>
          setCondition(pool, {
            type: 'UpdatingVersion',
            status: 'True',
            reason: 'AsExpected',
            message: 'Updating version in progress. Target version: v1.37.2',
          }),
        'cluster-00001-batch',
      ),
      {
        phase: 'Updating',
        reason: 'AsExpected',
        message: 'Updating version in progress. Target version: v1.37.2',
        nodePools: [
          {
            name: 'batch',
            phase: 'Updating',
            reason: 'AsExpected',
            message: 'Updating version in progress. Target version: v1.37.2',
          },
          { name: 'workers', ...readyPool },
        ],
      },
    ],
    [
      'a pool short of its size makes the cluster Updating',
      edited(
        captured('hosted-cluster-ready'),
        'NodePool',
        pool => {
          pool.spec.replicas = 5;
        },
        'cluster-00001-workers',
      ),
      {
        phase: 'Updating',
        reason: undefined,
        message: undefined,
        nodePools: [
          { name: 'batch', ...readyPool },
          {
            name: 'workers',
            phase: 'Scaling',
            replicas: 5,
            currentReplicas: 3,
          },
        ],
      },
    ],
    [
      'a pool not Ready with machines is Degraded, and so is the cluster',
      edited(
        captured('hosted-cluster-ready'),
        'NodePool',
        pool =>
          setCondition(pool, {
            type: 'Ready',
            status: 'False',
            reason: 'WaitingForAvailableMachines',
            message:
              'Minimum availability requires 2 replicas, current 1 available',
          }),
        'cluster-00001-batch',
      ),
      {
        phase: 'Degraded',
        reason: 'WaitingForAvailableMachines',
        message:
          'Minimum availability requires 2 replicas, current 1 available',
        nodePools: [
          {
            name: 'batch',
            phase: 'Degraded',
            reason: 'WaitingForAvailableMachines',
            message:
              'Minimum availability requires 2 replicas, current 1 available',
          },
          { name: 'workers', ...readyPool },
        ],
      },
    ],
    [
      'a pool whose VMs fail to boot is Degraded, and so is the cluster, for the reason its machines give',
      failing(captured('hosted-cluster-ready'), 'cluster-00001-batch'),
      {
        phase: 'Degraded',
        reason: 'VMNotReady',
        message:
          '2 of 2 machines are not ready\nMachine cluster-00001-batch-0: VMNotReady: VM is not ready: CrashLoopBackOff\nMachine cluster-00001-batch-1: VMNotReady: VM is not ready: CrashLoopBackOff\n',
        nodePools: [
          {
            name: 'batch',
            phase: 'Degraded',
            reason: 'VMNotReady',
            currentReplicas: 0,
            version: 'v1.37.2',
          },
          { name: 'workers', ...readyPool },
        ],
      },
    ],
    [
      'a pool stalled short of its size is Degraded, and so is the cluster',
      failing(captured('hosted-cluster-ready'), 'cluster-00001-workers'),
      {
        phase: 'Degraded',
        reason: 'WaitingForAvailableMachines',
        message:
          'Minimum availability requires 5 replicas, current 3 available',
        nodePools: [
          { name: 'batch', ...readyPool },
          {
            name: 'workers',
            phase: 'Degraded',
            reason: 'WaitingForAvailableMachines',
            message:
              'Minimum availability requires 5 replicas, current 3 available',
            replicas: 5,
            currentReplicas: 3,
          },
        ],
      },
    ],
    [
      'a pool whose VMs have never come up is still Provisioning, even if they fail to boot',
      edited(
        failing(captured('hosted-cluster-provisioning'), 'cluster-00001-batch'),
        'NodePool',
        pool => {
          delete pool.status.version;
        },
        'cluster-00001-batch',
      ),
      {
        phase: 'Provisioning',
        nodePools: [
          {
            name: 'batch',
            phase: 'Provisioning',
            reason: 'WaitingForAvailableMachines',
            message:
              'Minimum availability requires 2 replicas, current 0 available',
          },
          { name: 'workers', phase: 'Provisioning' },
        ],
      },
    ],
    [
      'a pool just added to a running cluster makes it Updating',
      [
        ...captured('hosted-cluster-ready'),
        {
          ...captured('hosted-cluster-ready')[1],
          metadata: {
            ...captured('hosted-cluster-ready')[1].metadata,
            name: 'cluster-00001-extra',
          },
          status: undefined,
        },
      ],
      {
        phase: 'Updating',
        nodePools: [
          { name: 'batch', ...readyPool },
          { name: 'extra', phase: 'Pending' },
          { name: 'workers', ...readyPool },
        ],
      },
    ],
    [
      'a Hostplane cluster reads its spec back and is Ready once running',
      renderedAndRunning(highlyAvailable),
      {
        owner: 'group:default/team-a',
        phase: 'Ready',
        ...upstreamReady,
        version: 'v1.37.2',
        desiredVersion: undefined,
        availability: 'HighlyAvailable',
        endpoint: 'https://127.0.0.1:40123',
        deletionProtection: true,
        labels: { env: 'prod', 'example.com/cost-center': 'cc-42' },
        createdAt: TIME.replace('Z', '.000Z'),
        spec: highlyAvailable,
        nodePools: [
          { name: 'workers', ...readyPool, replicas: 3, currentReplicas: 3 },
          {
            name: 'gpu',
            ...readyPool,
            autoscaling: { min: 1, max: 5 },
            currentReplicas: 1,
          },
        ],
      },
    ],
    [
      'an autoscaled pool outside its range is Scaling',
      edited(
        renderedAndRunning(highlyAvailable),
        'NodePool',
        pool => {
          pool.status.replicas = 7;
        },
        'payments-prod-gpu',
      ),
      {
        phase: 'Updating',
        nodePools: [
          { name: 'workers', ...readyPool },
          { name: 'gpu', phase: 'Scaling', currentReplicas: 7 },
        ],
      },
    ],
    [
      'a spec annotation that is not JSON is Failed',
      edited(renderedAndRunning(), 'HostedCluster', hc => {
        hc.metadata!.annotations![SPEC_ANNOTATION] = '{"name":';
      }),
      {
        phase: 'Failed',
        reason: 'InvalidSpec',
        spec: undefined,
        owner: 'group:default/team-a',
      },
    ],
  ])('%s', (_title, objects, expected) => {
    const status = clusterStatus('local', objects);
    expect(status).toMatchObject(expected);
    // The cache keeps only what status reads: the status it derives must not change.
    expect(clusterStatus('local', objects.map(retainForStatus))).toEqual(
      status,
    );
  });

  it('says what is wrong with a spec annotation the schema refuses', () => {
    const objects = edited(renderedAndRunning(), 'HostedCluster', hc => {
      hc.metadata!.annotations![SPEC_ANNOTATION] = JSON.stringify({
        ...singleReplica,
        nodePools: [],
      });
    });
    expect(clusterStatus('local', objects)).toMatchObject({
      phase: 'Failed',
      reason: 'InvalidSpec',
      message:
        'The hostplane.io/spec annotation is not a valid cluster spec: nodePools: a cluster needs at least one node pool',
      spec: undefined,
    });
  });

  it('maps the upstream conditions verbatim, in their order', () => {
    const objects = captured('hosted-cluster-degraded');
    const status = clusterStatus('local', objects)!;
    expect(status.conditions.map(c => c.type)).toEqual(
      objects[0].status.conditions.map((c: { type: string }) => c.type),
    );
    expect(
      status.conditions.find(c => c.type === 'KubeAPIServerAvailable'),
    ).toEqual({
      type: 'KubeAPIServerAvailable',
      status: 'False',
      reason: 'WaitingForAvailable',
      message: 'Waiting for Kube APIServer deployment to become available',
      lastTransitionTime: TIME,
    });
    const workers = status.nodePools.find(p => p.name === 'workers')!;
    expect(
      workers.conditions.find(c => c.type === 'ValidReleaseImage'),
    ).toEqual({
      type: 'ValidReleaseImage',
      status: 'True',
      reason: 'AsExpected',
      message:
        'Using release image: registry.hostplane.local/kubernetes-release:v1.37.2',
      lastTransitionTime: TIME,
    });
  });

  it('takes labels and owner from the objects of a cluster Hostplane did not create', () => {
    const objects = edited(
      captured('hosted-cluster-ready'),
      'HostedCluster',
      hc => {
        hc.metadata!.labels = { ...hc.metadata!.labels, env: 'staging' };
        delete hc.metadata!.annotations![OWNER_REF_ANNOTATION];
      },
    );
    expect(clusterStatus('local', objects)).toMatchObject({
      owner: 'group:default/team-001',
      labels: { env: 'staging' },
    });
  });

  it('makes no cluster of pools without their HostedCluster', () => {
    expect(
      clusterStatus(
        'local',
        captured('hosted-cluster-ready').filter(o => o.kind === 'NodePool'),
      ),
    ).toBeUndefined();
  });
});
