import { TenantProcesses, relayAuditEvents } from '@hostplane/local-hub';
import type {
  ResponseAction,
  ThreatAlert,
  ThreatReport,
} from '@hostplane/plugin-hostplane-common';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import {
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
} from '@kubernetes/client-node';
import request from 'supertest';
import {
  TENANT_CLUSTER,
  useRealTenantBackend,
} from '../__testUtils__/realTenantBackend';
import { TestServer } from '../../__testUtils__/hostplaneBackend';
import {
  AttackStep,
  attackSteps,
  prepareVictim,
} from '../__testUtils__/attackScript';
import { QUARANTINE_LABEL, quarantinePolicyName } from './quarantine';

jest.setTimeout(600_000);

const CLUSTER = TENANT_CLUSTER;
const clusterApi = `/api/hostplane/clusters/local/${CLUSTER}`;
/** Automatic response for the test: from the likelihood of a medium alert that looks bad. */
const AUTO_THRESHOLD = 0.5;

async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return false;
    throw error;
  }
}

describe('threat response on a real tenant: the attack script under suggest and auto', () => {
  const bed = useRealTenantBackend('respond', {
    // A fresh cluster has no history: nothing is first-ever until it has some.
    learningHours: 1,
    response: { mode: 'suggest' },
  });
  let stopRelay: (() => void) | undefined;
  afterAll(() => stopRelay?.());
  let tenant: TenantProcesses;
  let backend: TestServer;
  let admin: KubeConfig;

  beforeAll(() => {
    ({ tenant, backend } = bed);
    admin = tenant.kubeConfig();
    stopRelay = relayAuditEvents(tenant);
  });

  const alerts = async (): Promise<ThreatAlert[]> => {
    const response = await request(backend.server).get(
      `${clusterApi}/threats/alerts`,
    );
    expect(response.status).toBe(200);
    return response.body.items;
  };

  const actions = async (): Promise<ResponseAction[]> => {
    const response = await request(backend.server).get(
      `${clusterApi}/threats/actions`,
    );
    expect(response.status).toBe(200);
    return response.body.items;
  };

  const report = async (alert: ThreatAlert): Promise<ThreatReport> => {
    const response = await request(backend.server).get(
      `${clusterApi}/threats/alerts/${alert.id}/report`,
    );
    expect(response.status).toBe(200);
    return response.body;
  };

  /**
   * Runs the attack on a namespace, each step then its alert: an alert seen before the step
   * (the anonymous burst is one alert across runs) counts once it has been seen again.
   */
  const attack = async (namespace: string) => {
    await prepareVictim(admin, namespace);
    const raised = new Map<string, ThreatAlert>();
    const latencies: number[] = [];
    for (const step of attackSteps(admin, namespace)) {
      const started = Date.now();
      const since = new Date(started - 1_000).toISOString();
      await step.run();
      const alert = await waitFor(
        `the alert of ${step.what} in ${namespace}`,
        async () =>
          (await alerts()).find(a => step.matches(a) && a.lastSeen >= since),
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      latencies.push(Date.now() - started);
      raised.set(step.ruleId, alert);
    }
    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.ceil(latencies.length * 0.95) - 1];
    return { raised, p95 };
  };

  const expectSubjects = (
    namespace: string,
    raised: Map<AttackStep['ruleId'], ThreatAlert>,
  ) => {
    expect(raised.get('exec-into-pod')!.subject).toMatchObject({
      kind: 'pod',
      namespace,
      name: 'web-1',
    });
    expect(raised.get('sensitive-host-mount')!.subject).toMatchObject({
      kind: 'pod',
      namespace,
      name: 'rootfs',
    });
    expect(raised.get('cluster-admin-binding')!.subject).toMatchObject({
      kind: 'binding',
      resource: 'clusterrolebindings',
      name: `${namespace}-web-admin`,
    });
    expect(raised.get('secret-read-interactive-token')!.subject).toEqual({
      kind: 'user',
      user: `system:serviceaccount:${namespace}:web`,
    });
    expect(raised.get('anonymous-burst')!.subject.kind).toBe('user');
  };

  it('under suggest: raises each alert within 5 s, changes nothing, and the report offers the actions', async () => {
    const namespace = 'suggested';
    const { raised, p95 } = await attack(namespace);
    expect(p95).toBeLessThan(5_000);
    expectSubjects(namespace, raised);

    const core = admin.makeApiClient(CoreV1Api);
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    const networking = admin.makeApiClient(NetworkingV1Api);
    // Time for an automatic response to show, were there one.
    await new Promise(resolve => setTimeout(resolve, 2_000));
    expect(await actions()).toEqual([]);
    expect(
      await exists(() => core.readNamespacedPod({ namespace, name: 'rootfs' })),
    ).toBe(true);
    expect(
      await exists(() =>
        rbac.readClusterRoleBinding({ name: `${namespace}-web-admin` }),
      ),
    ).toBe(true);
    expect(
      (await networking.listNamespacedNetworkPolicy({ namespace })).items,
    ).toEqual([]);

    const mount = await report(raised.get('sensitive-host-mount')!);
    expect(mount.policy).toMatchObject({ mode: 'suggest', isDefault: true });
    expect(mount.context.pod).toMatchObject({
      namespace,
      name: 'rootfs',
      privileged: true,
      hostPaths: ['/'],
    });
    expect(mount.suggestions[0].request).toMatchObject({
      kind: 'terminatePod',
      target: { kind: 'Pod', namespace, name: 'rootfs' },
    });
    expect(mount.suggestions.map(s => s.title)).toContain(
      'Patch image ghcr.io/evil/tools:1',
    );
    const binding = await report(raised.get('cluster-admin-binding')!);
    expect(binding.context.binding).toMatchObject({
      role: 'ClusterRole/cluster-admin',
      subjects: [`ServiceAccount:${namespace}/web`],
      exists: true,
    });
    expect(binding.suggestions[0].request).toMatchObject({
      kind: 'removeBinding',
      target: { kind: 'ClusterRoleBinding', name: `${namespace}-web-admin` },
    });
    expect(binding.suggestions[0].yaml).toContain('name: cluster-admin');
    const exec = await report(raised.get('exec-into-pod')!);
    expect(exec.suggestions[0].request.kind).toBe('isolatePod');
    expect(exec.suggestions[0].yaml).toContain('kind: NetworkPolicy');
    const stolen = await report(raised.get('secret-read-interactive-token')!);
    expect(stolen.context.pod).toMatchObject({ name: 'web-1' });
    expect(stolen.context.serviceAccountBindings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'ClusterRoleBinding',
          name: `${namespace}-web-admin`,
        }),
      ]),
    );

    // A dry run shows the changes and makes none.
    const dryRun = await request(backend.server)
      .post(
        `${clusterApi}/threats/alerts/${
          raised.get('exec-into-pod')!.id
        }/actions`,
      )
      .send({
        kind: 'isolatePod',
        target: { kind: 'Pod', namespace, name: 'web-1' },
        dryRun: true,
      });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.status).toBe('dryRun');
    expect(
      dryRun.body.changes.map((c: { kind: string; name: string }) => c.name),
    ).toEqual(['web-1', quarantinePolicyName('web-1')]);
    expect(
      (await networking.listNamespacedNetworkPolicy({ namespace })).items,
    ).toEqual([]);
    expect(
      (await core.readNamespacedPod({ namespace, name: 'web-1' })).metadata
        ?.labels,
    ).toEqual({ app: 'web' });
    expect(await actions()).toEqual([]);
  });

  it('under auto: mitigates the high-likelihood alerts on its own; the isolation is reverted', async () => {
    const namespace = 'automatic';
    const policy = await request(backend.server)
      .put(`${clusterApi}/threats/policy`)
      .send({ mode: 'auto', autoThreshold: AUTO_THRESHOLD });
    expect(policy.status).toBe(200);

    const { raised, p95 } = await attack(namespace);
    expect(p95).toBeLessThan(5_000);
    expectSubjects(namespace, raised);

    const core = admin.makeApiClient(CoreV1Api);
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    const networking = admin.makeApiClient(NetworkingV1Api);
    const mount = raised.get('sensitive-host-mount')!;
    const binding = raised.get('cluster-admin-binding')!;
    expect(mount.likelihood).toBeGreaterThanOrEqual(AUTO_THRESHOLD);
    expect(binding.likelihood).toBeGreaterThanOrEqual(AUTO_THRESHOLD);

    // The pod mounting the node is gone, the binding removed.
    await waitFor(
      'the privileged pod terminated',
      async () =>
        !(await exists(() =>
          core.readNamespacedPod({ namespace, name: 'rootfs' }),
        )) || undefined,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await waitFor(
      'the cluster-admin binding removed',
      async () =>
        !(await exists(() =>
          rbac.readClusterRoleBinding({ name: `${namespace}-web-admin` }),
        )) || undefined,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    // web-1 is isolated: for the exec into it, or as the pod the stolen token belongs to.
    const isolatingAlerts = ['exec-into-pod', 'secret-read-interactive-token']
      .map(rule => raised.get(rule)!)
      .filter(alert => alert.likelihood >= AUTO_THRESHOLD);
    expect(isolatingAlerts.length).toBeGreaterThan(0);
    const policyName = quarantinePolicyName('web-1');
    const quarantine = await waitFor(
      'the quarantine NetworkPolicy',
      async () =>
        (
          await networking.listNamespacedNetworkPolicy({ namespace })
        ).items.find(p => p.metadata?.name === policyName),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(quarantine.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(quarantine.spec?.ingress ?? []).toEqual([]);
    expect(quarantine.spec?.egress ?? []).toEqual([]);
    const selected =
      quarantine.spec?.podSelector?.matchLabels?.[QUARANTINE_LABEL];
    expect(selected).toBeDefined();
    expect(
      (await core.readNamespacedPod({ namespace, name: 'web-1' })).metadata
        ?.labels?.[QUARANTINE_LABEL],
    ).toBe(selected);

    const taken = await waitFor(
      'the automatic actions recorded as done',
      async () => {
        const all = (await actions()).filter(
          a =>
            a.target?.namespace === namespace ||
            a.target?.name === `${namespace}-web-admin`,
        );
        return all.length >= 2 + isolatingAlerts.length &&
          all.every(a => a.status === 'done')
          ? all
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(taken.every(a => a.by === 'policy:auto')).toBe(true);
    expect(taken.map(a => a.kind).sort()).toEqual(
      [
        'removeBinding',
        'terminatePod',
        ...isolatingAlerts.map(() => 'isolatePod'),
      ].sort(),
    );
    // Acted on once per alert, and the alert is mitigated by the policy.
    expect(new Set(taken.map(a => a.alertId)).size).toBe(taken.length);
    const mitigated = (await alerts()).find(a => a.id === binding.id)!;
    expect(mitigated.status).toBe('mitigated');
    expect(mitigated.history.at(-1)).toMatchObject({
      status: 'mitigated',
      by: 'policy:auto',
    });
    // A removed binding is recorded whole, so that it can be restored.
    const removal = taken.find(a => a.kind === 'removeBinding')!;
    expect(removal.changes[0]).toMatchObject({
      operation: 'delete',
      kind: 'ClusterRoleBinding',
      before: { roleRef: { name: 'cluster-admin' } },
    });

    // Must-show 5: the isolation reversed. KWOK simulates the nodes and no packets flow, so
    // "reachable again" is what the network would enforce: no NetworkPolicy selects the pod and
    // it no longer carries the quarantine label.
    for (const isolation of taken.filter(a => a.kind === 'isolatePod')) {
      const reverted = await request(backend.server).post(
        `${clusterApi}/threats/actions/${isolation.id}/revert`,
      );
      expect(reverted.status).toBe(200);
      expect(reverted.body).toMatchObject({ status: 'reverted' });
    }
    expect(
      (await networking.listNamespacedNetworkPolicy({ namespace })).items,
    ).toEqual([]);
    expect(
      (await core.readNamespacedPod({ namespace, name: 'web-1' })).metadata
        ?.labels,
    ).toEqual({ app: 'web' });
    // A termination cannot be undone.
    const termination = taken.find(a => a.kind === 'terminatePod')!;
    const refused = await request(backend.server).post(
      `${clusterApi}/threats/actions/${termination.id}/revert`,
    );
    expect(refused.status).toBe(409);
  });
});
