import { expectToMatchGolden } from '@hostplane/local-hub';
import type {
  ResponseActionKind,
  ResponseChange,
} from '@hostplane/plugin-hostplane-common';
import type {
  KubernetesObject,
  V1ClusterRoleBinding,
  V1Pod,
} from '@kubernetes/client-node';
import path from 'node:path';
import {
  TenantObjects,
  forwardSteps,
  isReversible,
  planAction,
  revertSteps,
} from './plan';
import { quarantinePolicyName } from './quarantine';

const cluster = { hub: 'local', name: 'shop' };
const ALERT = '0123456789abcdef01234567';

const pod: V1Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d9f-abcde',
    namespace: 'storefront',
    uid: 'f00',
    resourceVersion: '812',
    creationTimestamp: new Date('2026-12-08T10:00:00Z'),
    labels: { app: 'web' },
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'web-7d9f',
        uid: 'r5',
        controller: true,
      },
    ],
    managedFields: [{ manager: 'kube-controller-manager' }],
  },
  spec: {
    containers: [
      {
        name: 'web',
        image: 'registry.k8s.io/pause:3.10',
        env: [{ name: 'DB_PASSWORD', value: 'in-clear-password' }],
      },
    ],
  },
  status: { phase: 'Running' },
};

const binding: V1ClusterRoleBinding = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: {
    name: 'web-admin',
    uid: 'b1',
    resourceVersion: '900',
    managedFields: [{ manager: 'kubectl' }],
  },
  roleRef: {
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'ClusterRole',
    name: 'cluster-admin',
  },
  subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'storefront' }],
};

const networkPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'deny-web', namespace: 'storefront' },
  spec: {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Ingress'],
  },
};

const podTarget = {
  kind: 'Pod',
  namespace: 'storefront',
  name: pod.metadata!.name!,
};

const CASES: Record<
  string,
  {
    kind: ResponseActionKind;
    objects: TenantObjects;
    target?: typeof podTarget;
  }
> = {
  isolatePod: { kind: 'isolatePod', objects: { pod }, target: podTarget },
  terminatePod: { kind: 'terminatePod', objects: { pod }, target: podTarget },
  scaleOwnerToZero: {
    kind: 'scaleOwnerToZero',
    objects: {
      pod,
      owner: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'storefront',
        name: 'web',
        replicas: 3,
      },
    },
    target: podTarget,
  },
  removeBinding: { kind: 'removeBinding', objects: { binding } },
  revokeKubeconfigs: { kind: 'revokeKubeconfigs', objects: {} },
  applyManifestNew: {
    kind: 'applyManifest',
    objects: { manifest: { object: networkPolicy } },
  },
  applyManifestOverExisting: {
    kind: 'applyManifest',
    objects: {
      manifest: {
        object: networkPolicy,
        current: {
          ...networkPolicy,
          metadata: {
            ...networkPolicy.metadata,
            resourceVersion: '5',
            uid: 'n1',
          },
          spec: { podSelector: {}, policyTypes: ['Egress'] },
        } as KubernetesObject,
      },
    },
  },
};

describe('planning a response action', () => {
  it.each(Object.entries(CASES))(
    '%s: its changes, the steps that make them and those that undo them',
    (name, c) => {
      const planned = planAction(c.kind, ALERT, c.objects, cluster, c.target);
      expect(planned.reversible).toBe(isReversible(c.kind));
      const steps = forwardSteps(planned.changes);
      const undo = planned.reversible ? revertSteps(planned.changes) : [];
      expectToMatchGolden(
        { planned, steps, undo },
        path.join(__dirname, '__testdata__', `${name}.yaml`),
      );
    },
  );

  it('isolates with a deny-all policy selecting the quarantine label it sets', () => {
    const { changes } = planAction(
      'isolatePod',
      ALERT,
      { pod },
      cluster,
      podTarget,
    );
    const [label, policy] = changes.map(c => c.after as any);
    expect(label.metadata.labels).toEqual({ 'hostplane.io/quarantine': ALERT });
    expect(policy.metadata.name).toBe('hostplane-quarantine-web-7d9f-abcde');
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'hostplane.io/quarantine': ALERT } },
      policyTypes: ['Ingress', 'Egress'],
    });
    // The pod's own labels are not applied: the field manager owns the quarantine label only.
    expect(label.metadata.labels.app).toBeUndefined();
  });

  it('reverts an isolation by releasing the label and deleting the policy', () => {
    const { changes } = planAction(
      'isolatePod',
      ALERT,
      { pod },
      cluster,
      podTarget,
    );
    expect(revertSteps(changes)).toEqual([
      {
        op: 'delete',
        object: {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: {
            name: 'hostplane-quarantine-web-7d9f-abcde',
            namespace: 'storefront',
          },
        },
      },
      {
        op: 'apply',
        object: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'web-7d9f-abcde', namespace: 'storefront' },
        },
      },
    ]);
  });

  it('restores a removed binding without what the server set on it', () => {
    const { changes } = planAction(
      'removeBinding',
      ALERT,
      { binding },
      cluster,
    );
    const [restore] = revertSteps(changes);
    expect(restore).toEqual({
      op: 'apply',
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'web-admin' },
        roleRef: binding.roleRef,
        subjects: binding.subjects,
      },
    });
  });

  it('scales back to the replicas the owner had', () => {
    const { changes } = planAction(
      'scaleOwnerToZero',
      ALERT,
      CASES.scaleOwnerToZero.objects,
      cluster,
      podTarget,
    );
    expect(forwardSteps(changes)[0]).toMatchObject({
      object: { kind: 'Deployment', spec: { replicas: 0 } },
    });
    expect(revertSteps(changes)[0]).toMatchObject({
      object: { kind: 'Deployment', spec: { replicas: 3 } },
    });
  });

  it('keeps of a terminated pod neither its environment nor what it runs', () => {
    const planned = planAction(
      'terminatePod',
      ALERT,
      { pod },
      cluster,
      podTarget,
    );
    expect(JSON.stringify(planned)).not.toContain('in-clear-password');
  });

  it('terminates a pod at once', () => {
    const { changes } = planAction(
      'terminatePod',
      ALERT,
      { pod },
      cluster,
      podTarget,
    );
    expect(forwardSteps(changes)).toEqual([
      expect.objectContaining({ op: 'delete', gracePeriodSeconds: 0 }),
    ]);
  });

  it.each<[ResponseActionKind, TenantObjects, RegExp]>([
    ['isolatePod', {}, /no pod storefront\/web-7d9f-abcde/],
    ['terminatePod', {}, /no pod/],
    ['scaleOwnerToZero', { pod }, /belongs to no Deployment/],
    ['removeBinding', {}, /no binding/],
    ['applyManifest', {}, /needs a manifest/],
  ])('refuses %s without what it acts on', (kind, objects, message) => {
    expect(() =>
      planAction(
        kind,
        ALERT,
        objects,
        cluster,
        kind === 'removeBinding' ? undefined : podTarget,
      ),
    ).toThrow(message);
  });

  it('refuses to revert what cannot be undone', () => {
    const rotation: ResponseChange[] = planAction(
      'revokeKubeconfigs',
      ALERT,
      {},
      cluster,
    ).changes;
    expect(() => revertSteps(rotation)).toThrow(/cannot be reverted/);
  });

  it('names a quarantine policy within the limits of an object name', () => {
    const name = quarantinePolicyName('p'.repeat(300));
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name.startsWith('hostplane-quarantine-ppp')).toBe(true);
  });
});
