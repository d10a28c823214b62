import { auditFacts } from './facts';
import { EMPTY_ANOMALY, AnomalySignals } from './baseline';
import {
  RuleLoadError,
  builtinRulesDirectory,
  loadRuleSet,
  RuleSet,
} from './rules';
import { Request, auditEvent, podBody } from './__testUtils__/auditEvents';

const rules = loadRuleSet({ directory: builtinRulesDirectory });

function firing(
  set: RuleSet,
  request: Request,
  anomaly: Partial<AnomalySignals> = {},
  cluster = 'local/alpha',
) {
  const ev = auditFacts(auditEvent(request));
  return set.rules
    .filter(r =>
      r.matches({ ev, anomaly: { ...EMPTY_ANOMALY, ...anomaly }, cluster }),
    )
    .map(r => r.id);
}

const alice = 'alice@example.com';
const sa = 'system:serviceaccount:shop:web';

/** For every repo rule: a request it fires on, and a close one it does not. */
const CASES: Record<
  string,
  {
    fires: [Request, Partial<AnomalySignals>?];
    quiet: [Request, Partial<AnomalySignals>?];
  }
> = {
  'exec-into-pod': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        name: 'web-1',
        subresource: 'exec',
        code: 101,
        stage: 'ResponseStarted',
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        name: 'web-1',
        subresource: 'exec',
        code: 403,
      },
    ],
  },
  'exec-into-system-pod': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'kube-system',
        name: 'coredns-1',
        subresource: 'exec',
        code: 101,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'get',
        resource: 'pods',
        namespace: 'kube-system',
        name: 'coredns-1',
        subresource: 'log',
      },
    ],
  },
  'attach-to-pod': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        name: 'web-1',
        subresource: 'attach',
        code: 101,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        name: 'web-1',
        subresource: 'attach',
        code: 403,
      },
    ],
  },
  'ephemeral-container': {
    fires: [
      {
        user: alice,
        verb: 'patch',
        resource: 'pods',
        namespace: 'shop',
        name: 'web-1',
        subresource: 'ephemeralcontainers',
        body: {
          spec: { ephemeralContainers: [{ name: 'debug', image: 'busybox' }] },
        },
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'get',
        resource: 'pods',
        namespace: 'shop',
        name: 'web-1',
        subresource: 'ephemeralcontainers',
      },
    ],
  },
  'port-forward': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        name: 'web-1',
        subresource: 'portforward',
        code: 101,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'get',
        resource: 'pods',
        namespace: 'shop',
        name: 'web-1',
      },
    ],
  },
  'privileged-pod': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        body: podBody('x', {
          containers: [
            {
              name: 'c',
              image: 'nginx',
              securityContext: { privileged: true },
            },
          ],
        }),
        code: 201,
      },
    ],
    quiet: [
      {
        user: 'system:serviceaccount:kube-system:replicaset-controller',
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        body: podBody('x', {
          containers: [
            {
              name: 'c',
              image: 'nginx',
              securityContext: { privileged: true },
            },
          ],
        }),
        code: 201,
      },
    ],
  },
  'sensitive-host-mount': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        body: podBody('x', {
          volumes: [{ name: 'root', hostPath: { path: '/' } }],
        }),
        code: 201,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        body: podBody('x', {
          volumes: [{ name: 'data', hostPath: { path: '/srv/data' } }],
        }),
        code: 201,
      },
    ],
  },
  'host-network-pod': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'deployments',
        apiGroup: 'apps',
        namespace: 'shop',
        name: 'web',
        body: {
          spec: {
            template: {
              spec: {
                hostNetwork: true,
                containers: [{ name: 'c', image: 'nginx' }],
              },
            },
          },
        },
        code: 201,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'deployments',
        apiGroup: 'apps',
        namespace: 'shop',
        name: 'web',
        body: {
          spec: {
            template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } },
          },
        },
        code: 201,
      },
    ],
  },
  'host-pid-pod': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        body: podBody('x', { hostPID: true }),
        code: 201,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        body: podBody('x', { hostPID: true }),
        code: 403,
      },
    ],
  },
  'host-ipc-pod': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        body: podBody('x', { hostIPC: true }),
        code: 201,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        body: podBody('x', { hostIPC: false }),
        code: 201,
      },
    ],
  },
  'dangerous-capabilities': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        body: podBody('x', {
          containers: [
            {
              name: 'c',
              image: 'nginx',
              securityContext: { capabilities: { add: ['CAP_SYS_ADMIN'] } },
            },
          ],
        }),
        code: 201,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        body: podBody('x', {
          containers: [
            {
              name: 'c',
              image: 'nginx',
              securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } },
            },
          ],
        }),
        code: 201,
      },
    ],
  },
  'node-proxy-access': {
    fires: [
      {
        user: alice,
        verb: 'get',
        resource: 'nodes',
        name: 'node-1',
        subresource: 'proxy',
      },
    ],
    quiet: [
      {
        user: 'system:kube-apiserver',
        verb: 'get',
        resource: 'nodes',
        name: 'node-1',
        subresource: 'proxy',
      },
    ],
  },
  'cluster-admin-binding': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'clusterrolebindings',
        apiGroup: 'rbac.authorization.k8s.io',
        name: 'pwn',
        body: {
          roleRef: {
            kind: 'ClusterRole',
            name: 'cluster-admin',
            apiGroup: 'rbac.authorization.k8s.io',
          },
          subjects: [
            { kind: 'ServiceAccount', name: 'web', namespace: 'shop' },
          ],
        },
        code: 201,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'clusterrolebindings',
        apiGroup: 'rbac.authorization.k8s.io',
        name: 'view',
        body: {
          roleRef: {
            kind: 'ClusterRole',
            name: 'view',
            apiGroup: 'rbac.authorization.k8s.io',
          },
          subjects: [
            { kind: 'ServiceAccount', name: 'web', namespace: 'shop' },
          ],
        },
        code: 201,
      },
    ],
  },
  'binding-to-everyone': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'rolebindings',
        apiGroup: 'rbac.authorization.k8s.io',
        namespace: 'shop',
        name: 'open',
        body: {
          roleRef: { kind: 'ClusterRole', name: 'view' },
          subjects: [{ kind: 'Group', name: 'system:unauthenticated' }],
        },
        code: 201,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'rolebindings',
        apiGroup: 'rbac.authorization.k8s.io',
        namespace: 'shop',
        name: 'devs',
        body: {
          roleRef: { kind: 'ClusterRole', name: 'view' },
          subjects: [{ kind: 'Group', name: 'devs' }],
        },
        code: 201,
      },
    ],
  },
  'wildcard-role': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'clusterroles',
        apiGroup: 'rbac.authorization.k8s.io',
        name: 'all',
        body: {
          rules: [{ apiGroups: [''], resources: ['*'], verbs: ['get'] }],
        },
        code: 201,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'clusterroles',
        apiGroup: 'rbac.authorization.k8s.io',
        name: 'pods',
        body: {
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
        },
        code: 201,
      },
    ],
  },
  'escalation-verbs-role': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'roles',
        apiGroup: 'rbac.authorization.k8s.io',
        namespace: 'shop',
        name: 'imp',
        body: {
          rules: [
            { apiGroups: [''], resources: ['users'], verbs: ['impersonate'] },
          ],
        },
        code: 201,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'roles',
        apiGroup: 'rbac.authorization.k8s.io',
        namespace: 'shop',
        name: 'read',
        body: {
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }],
        },
        code: 201,
      },
    ],
  },
  'service-account-token-request': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'serviceaccounts',
        namespace: 'shop',
        name: 'web',
        subresource: 'token',
        code: 201,
      },
    ],
    quiet: [
      {
        user: 'system:kube-controller-manager',
        verb: 'create',
        resource: 'serviceaccounts',
        namespace: 'shop',
        name: 'web',
        subresource: 'token',
        code: 201,
      },
    ],
  },
  impersonation: {
    fires: [
      {
        user: alice,
        impersonate: 'bob',
        verb: 'get',
        resource: 'pods',
        namespace: 'shop',
      },
    ],
    quiet: [{ user: alice, verb: 'get', resource: 'pods', namespace: 'shop' }],
  },
  'certificate-approval': {
    fires: [
      {
        user: alice,
        verb: 'update',
        resource: 'certificatesigningrequests',
        apiGroup: 'certificates.k8s.io',
        name: 'csr-1',
        subresource: 'approval',
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'get',
        resource: 'certificatesigningrequests',
        apiGroup: 'certificates.k8s.io',
        name: 'csr-1',
      },
    ],
  },
  'anonymous-request-allowed': {
    fires: [
      {
        user: 'system:anonymous',
        verb: 'list',
        resource: 'pods',
        namespace: 'shop',
      },
    ],
    quiet: [
      {
        user: 'system:anonymous',
        verb: 'list',
        resource: 'pods',
        namespace: 'shop',
        code: 403,
      },
    ],
  },
  'anonymous-burst': {
    fires: [
      {
        user: 'system:anonymous',
        verb: 'list',
        resource: 'secrets',
        code: 403,
      },
      { deniedBurst: true },
    ],
    quiet: [
      {
        user: 'system:anonymous',
        verb: 'list',
        resource: 'secrets',
        code: 403,
      },
    ],
  },
  'denied-burst': {
    fires: [
      { user: sa, verb: 'list', resource: 'secrets', code: 403 },
      { deniedBurst: true },
    ],
    quiet: [
      {
        user: 'system:anonymous',
        verb: 'list',
        resource: 'secrets',
        code: 403,
      },
      { deniedBurst: true },
    ],
  },
  'secret-read-interactive-token': {
    fires: [{ user: sa, verb: 'list', resource: 'secrets', namespace: 'shop' }],
    quiet: [
      {
        user: sa,
        verb: 'list',
        resource: 'secrets',
        namespace: 'shop',
        userAgent: 'web/1.0',
      },
    ],
  },
  'secret-read-first-time': {
    fires: [
      {
        user: alice,
        verb: 'get',
        resource: 'secrets',
        namespace: 'shop',
        name: 'db',
      },
      { firstAction: true },
    ],
    quiet: [
      {
        user: alice,
        verb: 'get',
        resource: 'secrets',
        namespace: 'shop',
        name: 'db',
      },
    ],
  },
  'configmap-credentials': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'configmaps',
        namespace: 'shop',
        name: 'cfg',
        body: { data: { DB_PASSWORD: 'hunter2' } },
        code: 201,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'configmaps',
        namespace: 'shop',
        name: 'cfg',
        body: { data: { LOG_LEVEL: 'debug' } },
        code: 201,
      },
    ],
  },
  'nodeport-service': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'services',
        namespace: 'shop',
        name: 'web',
        body: {
          spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] },
        },
        code: 201,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'services',
        namespace: 'shop',
        name: 'web',
        body: { spec: { type: 'ClusterIP', ports: [{ port: 80 }] } },
        code: 201,
      },
    ],
  },
  'create-in-system-namespace': {
    fires: [
      {
        user: alice,
        verb: 'create',
        resource: 'configmaps',
        namespace: 'kube-system',
        name: 'x',
        body: { data: {} },
        code: 201,
      },
    ],
    quiet: [
      {
        user: alice,
        verb: 'create',
        resource: 'configmaps',
        namespace: 'shop',
        name: 'x',
        body: { data: {} },
        code: 201,
      },
    ],
  },
  'events-deleted': {
    fires: [
      {
        user: alice,
        verb: 'deletecollection',
        resource: 'events',
        namespace: 'shop',
      },
    ],
    quiet: [
      {
        user: 'system:kube-controller-manager',
        verb: 'deletecollection',
        resource: 'events',
        namespace: 'shop',
      },
    ],
  },
};

describe('the repo rules', () => {
  it('are at least 20, each with a MITRE technique, a description and a remediation', () => {
    expect(rules.rules.length).toBeGreaterThanOrEqual(20);
    for (const rule of rules.rules) {
      expect(rule.mitre.id).toMatch(/^T\d{4}/);
      expect(rule.description.length).toBeGreaterThan(20);
      expect(rule.remediation.length).toBeGreaterThan(20);
      expect(rule.source).toMatch(/threat-rules\/\w+\.yaml:\d+$/);
    }
  });

  it('each have a case here', () => {
    expect(Object.keys(CASES).sort()).toEqual(
      rules.rules.map(r => r.id).sort(),
    );
  });

  it.each(Object.entries(CASES))(
    '%s fires on its case and not on the near miss',
    (id, c) => {
      expect(firing(rules, ...c.fires)).toContain(id);
      expect(firing(rules, ...c.quiet)).not.toContain(id);
    },
  );
});

const GOOD_RULE = `
rules:
  - id: list-pods
    title: Pods listed
    condition: ev.verb == "list" && ev.resource == "pods"
    priority: info
    subject: user
    mitre: { id: T1613, name: Container and Resource Discovery, tactic: Discovery }
    description: Someone listed pods.
    remediation: Nothing to do.
`;

describe('loading rules', () => {
  it('refuses a condition that does not parse, with its file and line', () => {
    const bad = GOOD_RULE.replace('ev.verb == "list" &&', 'ev.verb == &&');
    expect(() => loadRuleSet({ files: { 'bad.yaml': bad } })).toThrow(
      expect.objectContaining({ name: 'RuleLoadError', source: 'bad.yaml:5' }),
    );
  });

  it('refuses a condition naming a fact that does not exist', () => {
    const bad = GOOD_RULE.replace('ev.resource', 'ev.resorce');
    expect(() => loadRuleSet({ files: { 'typo.yaml': bad } })).toThrow(
      /typo\.yaml:5: condition: .*resorce/,
    );
  });

  it('refuses a condition that is not a boolean', () => {
    const bad = GOOD_RULE.replace(
      'ev.verb == "list" && ev.resource == "pods"',
      'ev.verb',
    );
    expect(() => loadRuleSet({ files: { 'b.yaml': bad } })).toThrow(
      /must be a boolean/,
    );
  });

  it('refuses a rule without a priority, at the rule', () => {
    const bad = GOOD_RULE.replace('    priority: info\n', '');
    expect(() => loadRuleSet({ files: { 'p.yaml': bad } })).toThrow(
      expect.objectContaining({ source: 'p.yaml:3' }),
    );
  });

  it("reads a rule's response, the action `auto` takes", () => {
    const withResponse = GOOD_RULE.replace(
      '    subject: user\n',
      '    subject: user\n    response: isolatePod\n',
    );
    const [rule] = loadRuleSet({ files: { 'r.yaml': withResponse } }).rules;
    expect(rule.response).toBe('isolatePod');
    const [plain] = loadRuleSet({ files: { 'r.yaml': GOOD_RULE } }).rules;
    expect(plain.response).toBeUndefined();
  });

  it.each(['applyManifest', 'quarantine'])(
    'refuses a response that is not an automatic action (%s), at its line',
    response => {
      const bad = GOOD_RULE.replace(
        '    subject: user\n',
        `    subject: user\n    response: ${response}\n`,
      );
      expect(() => loadRuleSet({ files: { 'r.yaml': bad } })).toThrow(
        expect.objectContaining({ name: 'RuleLoadError', source: 'r.yaml:8' }),
      );
    },
  );

  it('sets the response of the rules that have a fitting automatic action', () => {
    const responses = Object.fromEntries(
      rules.rules.filter(r => r.response).map(r => [r.id, r.response]),
    );
    expect(responses).toEqual({
      'exec-into-pod': 'isolatePod',
      'exec-into-system-pod': 'isolatePod',
      'privileged-pod': 'terminatePod',
      'sensitive-host-mount': 'terminatePod',
      'cluster-admin-binding': 'removeBinding',
      'binding-to-everyone': 'removeBinding',
      'secret-read-interactive-token': 'revokeKubeconfigs',
    });
  });

  it('refuses a YAML syntax error with its line', () => {
    expect(() =>
      loadRuleSet({ files: { 'y.yaml': `rules:\n  - id: x\n   title: [\n` } }),
    ).toThrow(RuleLoadError);
  });

  it('refuses the same id twice', () => {
    expect(() =>
      loadRuleSet({ files: { 'a.yaml': GOOD_RULE, 'b.yaml': GOOD_RULE } }),
    ).toThrow(/'list-pods' is defined twice \(also at a.yaml:3\)/);
  });

  it("applies a hub's overrides: add, replace, disable and exceptions", () => {
    const base = loadRuleSet({ directory: builtinRulesDirectory });
    const set = loadRuleSet({
      directory: builtinRulesDirectory,
      overrides: {
        add: [
          {
            id: 'list-pods',
            title: 'Pods listed',
            condition: 'ev.verb == "list" && ev.resource == "pods"',
            priority: 'info',
            subject: 'user',
            mitre: {
              id: 'T1613',
              name: 'Container and Resource Discovery',
              tactic: 'Discovery',
            },
            description: 'Someone listed pods.',
            remediation: 'Nothing to do.',
          },
        ],
        replace: [
          {
            ...{
              id: 'nodeport-service',
              title: 'NodePort service',
              condition:
                'ev.resource == "services" && ev.service.type == "NodePort"',
              priority: 'high',
              subject: 'object',
              mitre: {
                id: 'T1133',
                name: 'External Remote Services',
                tactic: 'Initial Access',
              },
              description: 'A NodePort service, forbidden on this hub.',
              remediation: 'Delete it.',
            },
          },
        ],
        disable: ['port-forward'],
        exceptions: [
          {
            ruleId: 'exec-into-pod',
            cluster: 'local/alpha',
            condition: 'ev.namespace == "sandbox"',
            reason: 'sandbox is for experiments',
            createdBy: 'user:default/ops',
          },
        ],
      },
    });
    expect(set.rules).toHaveLength(base.rules.length);
    expect(set.rules.find(r => r.id === 'nodeport-service')?.priority).toBe(
      'high',
    );
    expect(set.rules.find(r => r.id === 'port-forward')).toBeUndefined();
    expect(
      firing(set, { user: alice, verb: 'list', resource: 'pods' }),
    ).toEqual(['list-pods']);
    const exec = (namespace: string): Request => ({
      user: alice,
      verb: 'create',
      resource: 'pods',
      namespace,
      name: 'p',
      subresource: 'exec',
      code: 101,
    });
    expect(firing(set, exec('sandbox'))).not.toContain('exec-into-pod');
    expect(firing(set, exec('sandbox'), {}, 'local/beta')).toContain(
      'exec-into-pod',
    );
    expect(firing(set, exec('shop'))).toContain('exec-into-pod');
  });

  it('refuses overrides naming rules that do not exist, or adding one that does', () => {
    const load =
      (overrides: Parameters<typeof loadRuleSet>[0]['overrides']) => () =>
        loadRuleSet({ directory: builtinRulesDirectory, overrides });
    expect(load({ disable: ['nope'] })).toThrow(/no rule 'nope' to disable/);
    expect(
      load({ exceptions: [{ ruleId: 'nope', reason: 'x', createdBy: 'y' }] }),
    ).toThrow(/no rule 'nope'/);
    expect(
      load({
        replace: [
          {
            id: 'nope',
            title: 't',
            condition: 'true',
            priority: 'low',
            subject: 'user',
            mitre: rules.rules[0].mitre,
            description: 'd',
            remediation: 'r',
          },
        ],
      }),
    ).toThrow(/no rule 'nope' to replace/);
    expect(
      load({
        add: [
          {
            id: 'port-forward',
            title: 't',
            condition: 'true',
            priority: 'low',
            subject: 'user',
            mitre: rules.rules[0].mitre,
            description: 'd',
            remediation: 'r',
          },
        ],
      }),
    ).toThrow(/exists already/);
  });
});
