import { expectToMatchGolden } from '@hostplane/local-hub';
import type {
  ThreatAlert,
  ThreatContext,
} from '@hostplane/plugin-hostplane-common';
import type { V1ClusterRoleBinding } from '@kubernetes/client-node';
import path from 'node:path';
import { parseManifest } from './manifest';
import { SuggestionInputs, suggestionsFor } from './suggestions';

function alertOf(subject: ThreatAlert['subject'], ruleId: string): ThreatAlert {
  return {
    id: 'a1b2c3d4e5f6a1b2c3d4e5f6',
    hub: 'local',
    cluster: 'shop',
    ruleId,
    title: ruleId,
    priority: 'high',
    mitre: {
      id: 'T1609',
      name: 'Container Administration Command',
      tactic: 'Execution',
    },
    description: '',
    remediation: '',
    subject,
    status: 'open',
    likelihood: 0.6,
    level: 'medium',
    likelihoodTerms: [],
    anomalies: [],
    count: 1,
    firstSeen: '2026-12-08T10:00:00.000Z',
    lastSeen: '2026-12-08T10:00:00.000Z',
    timeline: [],
    history: [],
  };
}

const rootPod: NonNullable<ThreatContext['pod']> = {
  namespace: 'shop',
  name: 'rootfs',
  images: ['ghcr.io/evil/tools:1'],
  privileged: true,
  hostPaths: ['/'],
  labels: {},
};

const binding: V1ClusterRoleBinding = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'web-admin', uid: 'b1', resourceVersion: '9' },
  roleRef: {
    apiGroup: 'rbac.authorization.k8s.io',
    kind: 'ClusterRole',
    name: 'cluster-admin',
  },
  subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
};

const trustedRegistries = ['registry.k8s.io', 'docker.io/library'];

const CASES: Record<string, SuggestionInputs> = {
  'privileged-pod': {
    alert: alertOf(
      {
        kind: 'pod',
        user: 'alice',
        resource: 'pods',
        namespace: 'shop',
        name: 'rootfs',
      },
      'sensitive-host-mount',
    ),
    response: 'terminatePod',
    context: { pod: rootPod },
    issuedByHostplane: false,
    trustedRegistries,
  },
  'exec-into-deployment-pod': {
    alert: alertOf(
      {
        kind: 'pod',
        user: 'alice',
        resource: 'pods',
        namespace: 'shop',
        name: 'web-1',
      },
      'exec-into-pod',
    ),
    response: 'isolatePod',
    context: {
      pod: {
        namespace: 'shop',
        name: 'web-1',
        images: ['registry.k8s.io/pause:3.10'],
        privileged: false,
        hostPaths: [],
        labels: { app: 'web' },
        owner: { kind: 'Deployment', name: 'web' },
      },
    },
    issuedByHostplane: false,
    trustedRegistries,
  },
  'cluster-admin-binding': {
    alert: alertOf(
      {
        kind: 'binding',
        user: 'alice',
        resource: 'clusterrolebindings',
        name: 'web-admin',
      },
      'cluster-admin-binding',
    ),
    response: 'removeBinding',
    context: {
      binding: {
        kind: 'ClusterRoleBinding',
        name: 'web-admin',
        role: 'ClusterRole/cluster-admin',
        subjects: ['ServiceAccount:shop/web'],
        exists: true,
      },
    },
    binding,
    issuedByHostplane: false,
    trustedRegistries,
  },
  'stolen-token': {
    alert: alertOf(
      { kind: 'user', user: 'system:serviceaccount:shop:web' },
      'secret-read-interactive-token',
    ),
    response: 'revokeKubeconfigs',
    context: {
      pod: {
        ...rootPod,
        name: 'web-2',
        privileged: false,
        hostPaths: [],
        images: [],
      },
      serviceAccountBindings: [
        {
          kind: 'ClusterRoleBinding',
          name: 'web-admin',
          role: 'ClusterRole/cluster-admin',
        },
        {
          kind: 'RoleBinding',
          namespace: 'shop',
          name: 'web-view',
          role: 'ClusterRole/view',
        },
      ],
    },
    issuedByHostplane: false,
    trustedRegistries,
  },
  'hostplane-kubeconfig': {
    alert: alertOf(
      { kind: 'user', user: 'user:default/mallory' },
      'secret-read-interactive-token',
    ),
    response: 'revokeKubeconfigs',
    context: {},
    issuedByHostplane: true,
    trustedRegistries,
  },
};

describe('suggestions for an alert', () => {
  it.each(Object.entries(CASES))('%s', (name, inputs) => {
    const suggestions = suggestionsFor(inputs);
    expect(suggestions.length).toBeGreaterThan(0);
    expectToMatchGolden(
      suggestions,
      path.join(__dirname, '__testdata__', `suggestions-${name}.yaml`),
    );
  });

  it("puts the rule's own response first", () => {
    expect(suggestionsFor(CASES['privileged-pod'])[0].request.kind).toBe(
      'terminatePod',
    );
    expect(
      suggestionsFor(CASES['exec-into-deployment-pod'])[0].request.kind,
    ).toBe('isolatePod');
  });

  it('offers RBAC manifests the actions route accepts', () => {
    const manifests = suggestionsFor(CASES['cluster-admin-binding'])
      .map(s => s.request.manifest)
      .filter((m): m is string => !!m);
    expect(manifests).toHaveLength(1);
    expect(parseManifest(manifests[0])).toMatchObject({
      kind: 'RoleBinding',
      metadata: { namespace: 'shop' },
      roleRef: { name: 'edit' },
    });
  });

  it('offers nothing for a removed binding', () => {
    const gone = CASES['cluster-admin-binding'];
    expect(
      suggestionsFor({
        ...gone,
        context: { binding: { ...gone.context.binding!, exists: false } },
      }),
    ).toEqual([]);
  });
});
