import type {
  K8sAuditEvent,
  ThreatAlert,
} from '@hostplane/plugin-hostplane-common';
import { AlertTransitionError, transition } from './alerts';
import {
  DEFAULT_DETECTOR_SETTINGS,
  DetectorSettings,
  ThreatDetector,
} from './detector';
import { builtinRulesDirectory, loadRuleSet } from './rules';
import {
  Request,
  advance,
  auditEvent,
  deploymentBody,
  now,
  podBody,
  setClock,
} from './__testUtils__/auditEvents';

const cluster = { hub: 'local', name: 'alpha' };
const owner = 'alice@example.com';
const stolen = 'system:serviceaccount:shop:web';
const settings: DetectorSettings = {
  ...DEFAULT_DETECTOR_SETTINGS,
  baseline: { ...DEFAULT_DETECTOR_SETTINGS.baseline, learningMs: 3600_000 },
};

function newDetector() {
  return new ThreatDetector(
    loadRuleSet({ directory: builtinRulesDirectory }),
    settings,
  );
}

/** Runs requests through the detector, a second apart; returns every alert as it ends. */
function run(detector: ThreatDetector, requests: Request[]) {
  const alerts = new Map<string, ThreatAlert>();
  for (const request of requests) {
    advance(1000);
    const detection = detector.process(cluster, auditEvent(request));
    for (const a of [...detection.opened, ...detection.updated])
      alerts.set(a.id, a);
  }
  return [...alerts.values()];
}

/** A day's work of the cluster's owner: deploy, scale, roll out, read logs, port-forward. */
function benignDay(): Request[] {
  const ns = 'shop';
  const session: Request[] = [];
  for (let round = 0; round < 3; round++) {
    session.push(
      {
        user: owner,
        verb: 'get',
        resource: 'deployments',
        apiGroup: 'apps',
        namespace: ns,
        name: 'web',
        code: round ? 200 : 404,
      },
      {
        user: owner,
        verb: round ? 'patch' : 'create',
        resource: 'deployments',
        apiGroup: 'apps',
        namespace: ns,
        name: 'web',
        body: deploymentBody('web', 2, `docker.io/library/nginx:1.2${round}`),
        code: 201,
      },
      {
        user: owner,
        verb: 'create',
        resource: 'services',
        namespace: ns,
        name: 'web',
        body: { spec: { type: 'ClusterIP', ports: [{ port: 80 }] } },
        code: round ? 409 : 201,
      },
      {
        user: owner,
        verb: 'create',
        resource: 'configmaps',
        namespace: ns,
        name: `web-${round}`,
        body: { data: { LOG_LEVEL: 'info', FEATURE_FLAGS: 'search' } },
        code: 201,
      },
      {
        user: owner,
        verb: 'patch',
        resource: 'deployments',
        apiGroup: 'apps',
        namespace: ns,
        name: 'web',
        subresource: 'scale',
        body: { spec: { replicas: 3 + round } },
      },
      { user: owner, verb: 'list', resource: 'pods', namespace: ns },
      { user: owner, verb: 'watch', resource: 'pods', namespace: ns },
      {
        user: owner,
        verb: 'get',
        resource: 'pods',
        namespace: ns,
        name: 'web-1',
        subresource: 'log',
      },
      {
        user: owner,
        verb: 'list',
        resource: 'replicasets',
        apiGroup: 'apps',
        namespace: ns,
      },
      {
        user: owner,
        verb: 'create',
        resource: 'pods',
        namespace: ns,
        name: 'web-1',
        subresource: 'portforward',
        code: 101,
        stage: 'ResponseStarted',
      },
      {
        user: owner,
        verb: 'create',
        resource: 'pods',
        namespace: ns,
        name: 'web-1',
        subresource: 'portforward',
        code: 101,
      },
      { user: owner, verb: 'list', resource: 'events', namespace: ns },
      {
        user: 'system:serviceaccount:kube-system:replicaset-controller',
        verb: 'create',
        resource: 'pods',
        namespace: ns,
        body: podBody(`web-${round}`),
        code: 201,
        userAgent: 'kube-controller-manager/v1.37.2',
      },
      {
        user: 'system:kube-scheduler',
        verb: 'create',
        resource: 'pods',
        namespace: ns,
        name: `web-${round}`,
        subresource: 'binding',
        code: 201,
        userAgent: 'kube-scheduler/v1.37.2',
      },
      {
        user: stolen,
        verb: 'get',
        resource: 'configmaps',
        namespace: ns,
        name: 'web-0',
        userAgent: 'web/1.0',
      },
      // A wrong kubectl context: a few refusals are a normal day too.
      { user: owner, verb: 'list', resource: 'nodes', code: 403 },
      {
        user: 'system:anonymous',
        verb: 'get',
        resource: '',
        path: '/healthz',
        code: 200,
      },
    );
  }
  return session;
}

/** The attack of the must-show, as the audit log records it. */
function attack(): Request[] {
  const attacker = 'mallory@example.com';
  const requests: Request[] = [
    {
      user: attacker,
      verb: 'create',
      resource: 'pods',
      namespace: 'shop',
      name: 'web-1',
      subresource: 'exec',
      code: 101,
      stage: 'ResponseStarted',
    },
    {
      user: attacker,
      verb: 'create',
      resource: 'pods',
      namespace: 'shop',
      body: podBody('rootfs', {
        volumes: [{ name: 'host', hostPath: { path: '/' } }],
        containers: [
          {
            name: 'c',
            image: 'ghcr.io/evil/tools:1',
            securityContext: { privileged: true },
            volumeMounts: [{ name: 'host', mountPath: '/host' }],
          },
        ],
      }),
      code: 201,
    },
    {
      user: attacker,
      verb: 'create',
      resource: 'clusterrolebindings',
      apiGroup: 'rbac.authorization.k8s.io',
      name: 'web-admin',
      body: {
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'cluster-admin',
        },
        subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
      },
      code: 201,
    },
    {
      user: stolen,
      verb: 'list',
      resource: 'secrets',
      namespace: 'kube-system',
      userAgent: 'kubectl/v1.37.2 (linux/amd64)',
    },
  ];
  for (let i = 0; i < 40; i++) {
    requests.push({
      user: 'system:anonymous',
      verb: 'list',
      resource: i % 2 ? 'secrets' : 'pods',
      code: 403,
      userAgent: 'curl/8.5.0',
    });
  }
  return requests;
}

beforeEach(() => setClock(Date.parse('2026-12-01T09:00:00Z')));

describe('ThreatDetector', () => {
  it('raises nothing above low for a normal day, learnt or not', () => {
    const detector = newDetector();
    const learning = run(detector, benignDay());
    advance(2 * 3600_000);
    // After the learning window, the same work again, and a new deployment.
    const learnt = run(detector, [
      ...benignDay(),
      {
        user: owner,
        verb: 'create',
        resource: 'deployments',
        apiGroup: 'apps',
        namespace: 'shop',
        name: 'api',
        body: deploymentBody('api', 1, 'registry.k8s.io/pause:3.10'),
        code: 201,
      },
    ]);
    for (const alert of [...learning, ...learnt]) {
      expect({ rule: alert.ruleId, level: alert.level }).toEqual({
        rule: alert.ruleId,
        level: 'low',
      });
    }
    // It is not silent either: the port-forwards are on record, as low.
    expect(learnt.map(a => a.ruleId)).toContain('port-forward');
  });

  it('raises each step of an attack with its subject and a likelihood that orders them', () => {
    const detector = newDetector();
    run(detector, benignDay());
    advance(2 * 3600_000);
    run(detector, benignDay());
    const alerts = run(detector, attack());
    const byRule = (id: string) => {
      const found = alerts.filter(a => a.ruleId === id);
      expect(found).toHaveLength(1);
      return found[0];
    };

    const exec = byRule('exec-into-pod');
    expect(exec.subject).toEqual({
      kind: 'pod',
      user: 'mallory@example.com',
      resource: 'pods',
      namespace: 'shop',
      name: 'web-1',
    });

    const mount = byRule('sensitive-host-mount');
    expect(mount.subject).toMatchObject({
      kind: 'pod',
      namespace: 'shop',
      name: 'rootfs',
    });
    expect(mount.level).toBe('critical');
    expect(mount.likelihoodTerms.map(t => t.term)).toEqual(
      expect.arrayContaining(['priority', 'anomaly', 'unknownRegistry']),
    );
    expect(byRule('privileged-pod').subject.name).toBe('rootfs');

    const binding = byRule('cluster-admin-binding');
    expect(binding.subject).toMatchObject({
      kind: 'binding',
      resource: 'clusterrolebindings',
      name: 'web-admin',
    });
    expect(['high', 'critical']).toContain(binding.level);

    const secrets = byRule('secret-read-interactive-token');
    expect(secrets.subject).toEqual({ kind: 'user', user: stolen });
    // The account was just made cluster-admin, and it reads secrets for the first time.
    expect(secrets.likelihoodTerms.map(t => t.term)).toEqual(
      expect.arrayContaining([
        'clusterAdmin',
        'tokenOutsideWorkload',
        'anomaly',
      ]),
    );
    expect(secrets.anomalies.map(a => a.kind)).toContain('firstAction');
    expect(byRule('secret-read-first-time').subject.user).toBe(stolen);

    const hammering = byRule('anonymous-burst');
    expect(hammering.subject).toEqual({
      kind: 'user',
      user: 'system:anonymous',
    });
    expect(hammering.count).toBeGreaterThan(20);
    expect(hammering.anomalies[0]).toMatchObject({ kind: 'deniedBurst' });
    expect(hammering.anomalies[0].baseline).toMatch(
      /refusals a minute on average/,
    );
    expect(hammering.level).toBe('critical');

    // Likelihood: the host takeover above the exec.
    expect(mount.likelihood).toBeGreaterThan(exec.likelihood);
    expect(exec.level).not.toBe('low');
  });

  it('counts repeats of a rule on one subject as one alert, until the window passes', () => {
    const detector = newDetector();
    const exec: Request = {
      user: owner,
      verb: 'create',
      resource: 'pods',
      namespace: 'shop',
      name: 'web-1',
      subresource: 'exec',
      code: 101,
    };
    const first = run(detector, [exec, exec, exec, exec]);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ count: 4 });
    expect(first[0].timeline).toHaveLength(4);
    expect(first[0].likelihoodTerms.map(t => t.term)).toContain('repeated');

    const other = run(detector, [{ ...exec, name: 'web-2' }]);
    expect(other[0].id).not.toBe(first[0].id);

    advance(DEFAULT_DETECTOR_SETTINGS.dedupWindowMs + 1);
    const later = run(detector, [exec]);
    expect(later[0].id).not.toBe(first[0].id);
    expect(later[0].count).toBe(1);
  });

  it('does not count a replayed event twice, nor a long request at both its stages', () => {
    const detector = newDetector();
    const started = auditEvent({
      user: owner,
      verb: 'create',
      resource: 'pods',
      namespace: 'shop',
      name: 'w',
      subresource: 'exec',
      code: 101,
      stage: 'ResponseStarted',
    });
    const complete: K8sAuditEvent = { ...started, stage: 'ResponseComplete' };
    expect(detector.process(cluster, started).opened).toHaveLength(1);
    expect(detector.process(cluster, complete)).toEqual({
      opened: [],
      updated: [],
    });
    expect(detector.process(cluster, started)).toEqual({
      opened: [],
      updated: [],
    });
  });

  it('keeps its baseline across a restart through its snapshot', () => {
    const detector = newDetector();
    run(detector, benignDay());
    advance(2 * 3600_000);
    const state = JSON.parse(JSON.stringify(detector.snapshot(cluster)));
    const restarted = new ThreatDetector(
      loadRuleSet({ directory: builtinRulesDirectory }),
      settings,
      {
        clusters: { 'local/alpha': state },
      },
    );
    const fresh = newDetector();
    const read: Request = {
      user: owner,
      verb: 'get',
      resource: 'secrets',
      namespace: 'shop',
      name: 'db',
    };
    // Learnt: a first-ever secret read stands out. A fresh baseline is still learning.
    expect(run(restarted, [read]).map(a => a.ruleId)).toEqual([
      'secret-read-first-time',
    ]);
    expect(run(fresh, [read])).toEqual([]);
  });
});

describe('alert lifecycle', () => {
  it('moves through its states with who and why, and refuses the others', () => {
    const detector = newDetector();
    const [alert] = run(detector, [
      {
        user: owner,
        verb: 'create',
        resource: 'pods',
        namespace: 'shop',
        name: 'w',
        subresource: 'exec',
        code: 101,
      },
    ]);
    const at = new Date(now());
    const acked = transition(alert, 'acknowledged', 'user:default/ops', at);
    const mitigated = transition(
      acked,
      'mitigated',
      'policy:auto',
      at,
      'isolated pod shop/w',
    );
    const resolved = transition(mitigated, 'resolved', 'user:default/ops', at);
    expect(resolved.history.map(h => [h.status, h.by])).toEqual([
      ['open', 'hostplane'],
      ['acknowledged', 'user:default/ops'],
      ['mitigated', 'policy:auto'],
      ['resolved', 'user:default/ops'],
    ]);
    expect(() => transition(resolved, 'mitigated', 'x', at)).toThrow(
      AlertTransitionError,
    );
  });

  it('a false positive becomes an exception, and the rule stays quiet for that case only', () => {
    const rules = loadRuleSet({ directory: builtinRulesDirectory });
    const exec = (namespace: string): Request => ({
      user: owner,
      verb: 'create',
      resource: 'pods',
      namespace,
      name: 'w',
      subresource: 'exec',
      code: 101,
    });
    const detector = new ThreatDetector(rules, settings);
    const [alert] = run(detector, [exec('debug')]);
    transition(
      alert,
      'falsePositive',
      'user:default/ops',
      new Date(now()),
      'debug namespace',
    );
    const withException = loadRuleSet({
      directory: builtinRulesDirectory,
      overrides: {
        exceptions: [
          {
            ruleId: alert.ruleId,
            cluster: 'local/alpha',
            condition: `ev.namespace == "${alert.subject.namespace}"`,
            reason: 'debug namespace',
            createdBy: 'user:default/ops',
          },
        ],
      },
    });
    detector.useRules(withException);
    advance(DEFAULT_DETECTOR_SETTINGS.dedupWindowMs + 1);
    expect(run(detector, [exec('debug')])).toEqual([]);
    expect(run(detector, [exec('shop')]).map(a => a.ruleId)).toEqual([
      'exec-into-pod',
    ]);
  });
});
