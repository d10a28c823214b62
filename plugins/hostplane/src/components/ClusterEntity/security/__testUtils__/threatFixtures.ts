import {
  ResponseAction,
  ThreatAlert,
  ThreatReport,
} from '@hostplane/plugin-hostplane-common';

/** An exec into a pod of the cluster `payments`, open, with one audit event. */
export function aThreatAlert(
  overrides: Partial<ThreatAlert> = {},
): ThreatAlert {
  return {
    id: 'a1',
    hub: 'local',
    cluster: 'payments',
    ruleId: 'exec-into-pod',
    title: 'Exec into a pod',
    priority: 'medium',
    mitre: {
      id: 'T1609',
      name: 'Container Administration Command',
      tactic: 'Execution',
    },
    description: 'Someone ran a command inside a running container.',
    remediation: 'Ask who it was; isolate the pod if nobody knows.',
    subject: {
      kind: 'pod',
      user: 'kubernetes-admin',
      namespace: 'shop',
      name: 'web-1',
    },
    status: 'open',
    likelihood: 0.72,
    level: 'high',
    likelihoodTerms: [
      {
        term: 'rulePriority',
        value: 0.4,
        why: 'The rule is of medium priority.',
      },
      { term: 'interactive', value: 0.32, why: 'kubectl, from a person.' },
    ],
    anomalies: [
      {
        kind: 'firstAction',
        score: 0.9,
        detail: 'kubernetes-admin never exec-ed into shop before',
        baseline: '14 days of this cluster',
      },
    ],
    count: 2,
    firstSeen: '2026-08-02T10:00:00Z',
    lastSeen: '2026-08-02T10:05:00Z',
    timeline: [
      {
        auditID: 'e1',
        at: '2026-08-02T10:00:00Z',
        verb: 'create',
        user: 'kubernetes-admin',
        requestURI: '/api/v1/namespaces/shop/pods/web-1/exec?command=sh',
        code: 101,
        sourceIP: '10.0.0.7',
        userAgent: 'kubectl/v1.37.2',
      },
    ],
    history: [],
    ...overrides,
  };
}

export function anAction(
  overrides: Partial<ResponseAction> = {},
): ResponseAction {
  return {
    id: 'act-1',
    alertId: 'a1',
    hub: 'local',
    cluster: 'payments',
    kind: 'isolatePod',
    target: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
    status: 'done',
    by: 'user:default/ada',
    at: '2026-08-02T10:10:00Z',
    changes: [
      {
        operation: 'apply',
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        namespace: 'shop',
        name: 'hostplane-isolate-web-1',
        after: {
          spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
        },
      },
    ],
    reversible: true,
    ...overrides,
  };
}

export function aReport(overrides: Partial<ThreatReport> = {}): ThreatReport {
  return {
    alert: aThreatAlert(),
    policy: { mode: 'suggest', autoThreshold: 0.9, isDefault: false },
    context: {
      pod: {
        namespace: 'shop',
        name: 'web-1',
        node: 'worker-0',
        serviceAccount: 'web',
        images: ['registry.k8s.io/pause:3.10'],
        privileged: false,
        hostPaths: [],
        labels: { app: 'web' },
        owner: { kind: 'ReplicaSet', name: 'web-5d9f' },
        phase: 'Running',
      },
      serviceAccountBindings: [
        {
          kind: 'RoleBinding',
          namespace: 'shop',
          name: 'web-view',
          role: 'view',
        },
      ],
    },
    suggestions: [
      {
        title: 'Isolate the pod web-1',
        why: 'A deny-all NetworkPolicy cuts the pod off while you find out who it was.',
        request: {
          kind: 'isolatePod',
          target: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
          dryRun: false,
        },
        yaml: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n',
      },
    ],
    actions: [],
    ...overrides,
  };
}
