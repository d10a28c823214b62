import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import type {
  ClusterStatus,
  K8sAuditEvent,
  ResponseAction,
  ThreatAlert,
} from '@hostplane/plugin-hostplane-common';
import type { KubernetesObject, V1Pod } from '@kubernetes/client-node';
import type { Knex } from 'knex';
import { IssuanceStore } from '../../database/IssuanceStore';
import { migrationsDirectory } from '../../database/migrations';
import type { ClusterService } from '../../service/ClusterService';
import { ThreatDetection, readThreatSettings } from '../ThreatDetection';
import { advance, auditEvent, podBody } from '../__testUtils__/auditEvents';
import { RecordingNotifications } from '../__testUtils__/recordingNotifications';
import { QUARANTINE_LABEL, quarantinePolicyName } from './quarantine';
import { ResponseService } from './ResponseService';
import type { TenantClient } from './TenantClient';

// The local PostgreSQL that scripts/setup.sh starts; set by scripts/test.sh as well.
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
  'postgresql://postgres@127.0.0.1:5432';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const OWNER = 'group:default/team-a';

/**
 * A tenant's objects in memory, written as server-side apply by one field manager would: an
 * applied object's fields are merged in, and the labels the manager applied before and leaves
 * out are taken away.
 */
class FakeTenant {
  readonly objects = new Map<string, KubernetesObject>();
  private readonly managedLabels = new Map<string, string[]>();
  /** Runs before each write: a test looks at what is recorded at that moment. */
  beforeWrite: () => Promise<void> = async () => {};

  private key(kind?: string, name?: string, namespace?: string) {
    return `${kind}/${namespace ?? ''}/${name}`;
  }

  keyOf(object: KubernetesObject) {
    return this.key(
      object.kind,
      object.metadata?.name,
      object.metadata?.namespace,
    );
  }

  put(object: KubernetesObject) {
    this.objects.set(this.keyOf(object), structuredClone(object));
  }

  get(kind: string, name: string, namespace?: string) {
    return this.objects.get(this.key(kind, name, namespace)) as any;
  }

  async read(_apiVersion: string, kind: string, name: string, ns?: string) {
    const object = this.get(kind, name, ns);
    return object ? structuredClone(object) : undefined;
  }

  async pod(namespace: string, name: string) {
    return (await this.read('v1', 'Pod', name, namespace)) as V1Pod;
  }

  async podsOf() {
    return [];
  }

  async bindings() {
    return { roleBindings: [], clusterRoleBindings: [] };
  }

  async binding(kind: string, name: string, namespace?: string) {
    return this.read('', kind, name, namespace);
  }

  async scalableOwner() {
    return undefined;
  }

  async apply(object: KubernetesObject) {
    await this.beforeWrite();
    const key = this.keyOf(object);
    const current = this.objects.get(key) as any;
    const labels = object.metadata?.labels ?? {};
    const owned = this.managedLabels.get(key) ?? [];
    const merged = {
      ...current,
      ...object,
      metadata: {
        ...current?.metadata,
        ...object.metadata,
        labels: Object.fromEntries(
          Object.entries({
            ...current?.metadata?.labels,
            ...labels,
          }).filter(([k]) => k in labels || !owned.includes(k)),
        ),
      },
    };
    this.managedLabels.set(key, Object.keys(labels));
    this.objects.set(key, merged);
  }

  async delete(object: KubernetesObject) {
    await this.beforeWrite();
    this.objects.delete(this.keyOf(object));
  }
}

const cluster = {
  hub: 'local',
  name: 'alpha',
  owner: OWNER,
} as ClusterStatus;

function exec(pod: string): K8sAuditEvent {
  advance(1_000);
  return auditEvent({
    user: 'mallory',
    verb: 'create',
    resource: 'pods',
    namespace: 'shop',
    name: pod,
    subresource: 'exec',
    code: 101,
    stage: 'ResponseStarted',
  });
}

function hostMount(pod: string): K8sAuditEvent {
  advance(1_000);
  return auditEvent({
    user: 'mallory',
    verb: 'create',
    resource: 'pods',
    namespace: 'shop',
    body: podBody(pod, {
      volumes: [{ name: 'host', hostPath: { path: '/' } }],
    }),
    code: 201,
  });
}

function tenantPod(name: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels: { app: 'web' } },
    spec: { containers: [{ name: 'main', image: 'ghcr.io/evil/tools:1' }] },
  } as KubernetesObject;
}

describe.each(databases.eachSupportedId())(
  'responding to threat alerts on %p',
  databaseId => {
    let db: Knex;
    beforeAll(async () => {
      db = await databases.init(databaseId);
      await db.migrate.latest({ directory: migrationsDirectory });
    });

    async function setup(clusterName: string) {
      const threats = await ThreatDetection.create({
        settings: readThreatSettings(mockServices.rootConfig({ data: {} })),
        db,
        logger: mockServices.logger.mock(),
      });
      await threats.pipeline.reload();
      const tenant = new FakeTenant();
      const change = jest.fn(async () => ({}));
      const notifications = new RecordingNotifications();
      const target = { ...cluster, name: clusterName };
      const responses = new ResponseService({
        hubs: [],
        providers: new Map(),
        clusters: {
          get: () => target,
          change,
        } as unknown as ClusterService,
        threats,
        db,
        issuances: new IssuanceStore(db),
        auditor: mockServices.auditor.mock(),
        logger: mockServices.logger.mock(),
        defaults: { mode: 'suggest', autoThreshold: 0.8 },
        trustedRegistries: ['registry.k8s.io'],
        tenantClient: async () => tenant as unknown as TenantClient,
      });
      responses.respondAutomatically(notifications, () => OWNER);
      const detect = async (events: K8sAuditEvent[]) => {
        await threats.store.insertEvents(
          { hub: target.hub, name: target.name },
          events,
        );
        await threats.pipeline.drain();
        await responses.settled();
      };
      const alertsOf = (ruleId: string) =>
        threats.store
          .listAlerts({ hub: target.hub, cluster: target.name })
          .then(all => all.filter(a => a.ruleId === ruleId));
      return {
        threats,
        responses,
        tenant,
        change,
        notifications,
        detect,
        alertsOf,
        cluster: target,
      };
    }

    it('only suggests under `suggest`: nothing changes, the report offers the rule response first', async () => {
      const s = await setup('suggesting');
      s.tenant.put(tenantPod('web-1'));
      await s.detect([exec('web-1'), exec('web-1')]);
      const [alert] = await s.alertsOf('exec-into-pod');
      expect(alert.status).toBe('open');
      expect(await s.responses.actions(s.cluster)).toEqual([]);
      expect(s.tenant.objects.size).toBe(1);
      expect(s.notifications.sent).toEqual([]);

      const report = await s.responses.report(s.cluster, alert);
      expect(report.policy).toEqual({
        mode: 'suggest',
        autoThreshold: 0.8,
        isDefault: true,
      });
      expect(report.context.pod).toMatchObject({
        namespace: 'shop',
        name: 'web-1',
        images: ['ghcr.io/evil/tools:1'],
      });
      expect(report.suggestions.map(x => x.request.kind)).toEqual([
        'isolatePod',
        'terminatePod',
      ]);
      expect(report.suggestions[0].yaml).toContain(
        `${QUARANTINE_LABEL}: ${alert.id}`,
      );
    });

    it('acts once per alert under `auto`, mitigates it and tells the owner; the revert takes the isolation away', async () => {
      const s = await setup('automatic');
      s.tenant.put(tenantPod('web-1'));
      await s.responses.setPolicy(
        s.cluster,
        { mode: 'auto', autoThreshold: 0.1 },
        'user:default/alice',
      );
      let recorded: ResponseAction[] | undefined;
      s.tenant.beforeWrite = async () => {
        recorded ??= await s.responses.actions(s.cluster);
      };
      await s.detect([exec('web-1'), exec('web-1')]);

      const [alert] = await s.alertsOf('exec-into-pod');
      const actions = await s.responses.actions(s.cluster);
      expect(actions).toHaveLength(1);
      const [action] = actions;
      expect(action).toMatchObject({
        alertId: alert.id,
        kind: 'isolatePod',
        by: 'policy:auto',
        status: 'done',
        reversible: true,
        target: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
      });
      // Recorded before the tenant changed.
      expect(recorded?.map(a => a.status)).toEqual(['pending']);
      expect(s.tenant.get('Pod', 'web-1', 'shop').metadata.labels).toEqual({
        app: 'web',
        [QUARANTINE_LABEL]: alert.id,
      });
      const policy = s.tenant.get(
        'NetworkPolicy',
        quarantinePolicyName('web-1'),
        'shop',
      );
      expect(policy.spec).toEqual({
        podSelector: { matchLabels: { [QUARANTINE_LABEL]: alert.id } },
        policyTypes: ['Ingress', 'Egress'],
      });
      expect(alert.status).toBe('mitigated');
      expect(alert.history.at(-1)).toMatchObject({
        status: 'mitigated',
        by: 'policy:auto',
      });
      expect(s.notifications.sent).toEqual([
        expect.objectContaining({
          recipients: { type: 'entity', entityRef: OWNER },
          payload: expect.objectContaining({
            title: 'Automatic response on automatic: isolatePod done',
          }),
        }),
      ]);

      const reverted = await s.responses.revert(
        s.cluster,
        action.id,
        'user:default/alice',
      );
      expect(reverted).toMatchObject({
        status: 'reverted',
        revertedBy: 'user:default/alice',
      });
      expect(s.tenant.get('Pod', 'web-1', 'shop').metadata.labels).toEqual({
        app: 'web',
      });
      expect(
        s.tenant.get('NetworkPolicy', quarantinePolicyName('web-1'), 'shop'),
      ).toBeUndefined();
      const [after] = await s.alertsOf('exec-into-pod');
      expect(after.status).toBe('acknowledged');
      await expect(
        s.responses.revert(s.cluster, action.id, 'user:default/alice'),
      ).rejects.toThrow(/only a done action/i);

      // More of the same alert: the policy has acted on it once already.
      await s.detect([exec('web-1')]);
      expect((await s.alertsOf('exec-into-pod'))[0].count).toBe(3);
      expect(await s.responses.actions(s.cluster)).toHaveLength(1);
      expect(s.notifications.sent).toHaveLength(1);
    });

    it('terminates a pod mounting the node under `auto`, and refuses to revert it', async () => {
      const s = await setup('terminating');
      s.tenant.put(tenantPod('rootfs'));
      await s.responses.setPolicy(
        s.cluster,
        { mode: 'auto', autoThreshold: 0.5 },
        'user:default/alice',
      );
      await s.detect([hostMount('rootfs')]);
      const [alert] = await s.alertsOf('sensitive-host-mount');
      expect(alert.likelihood).toBeGreaterThanOrEqual(0.5);
      expect(s.tenant.get('Pod', 'rootfs', 'shop')).toBeUndefined();
      const terminations = (await s.responses.actions(s.cluster)).filter(
        a => a.kind === 'terminatePod',
      );
      expect(terminations).toHaveLength(1);
      expect(terminations[0]).toMatchObject({
        status: 'done',
        reversible: false,
      });
      await expect(
        s.responses.revert(s.cluster, terminations[0].id, 'user:default/alice'),
      ).rejects.toThrow(/cannot be reverted/);
    });

    it('changes and records nothing on a dry run', async () => {
      const s = await setup('dry');
      s.tenant.put(tenantPod('web-1'));
      await s.detect([exec('web-1')]);
      const [alert] = await s.alertsOf('exec-into-pod');
      const before = JSON.stringify([...s.tenant.objects]);
      const planned = await s.responses.act(
        s.cluster,
        alert,
        {
          kind: 'isolatePod',
          target: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
          dryRun: true,
        },
        'user:default/alice',
      );
      expect(planned.status).toBe('dryRun');
      expect(planned.changes.map(c => `${c.operation} ${c.kind}`)).toEqual([
        'apply Pod',
        'apply NetworkPolicy',
      ]);
      expect(JSON.stringify([...s.tenant.objects])).toBe(before);
      expect(await s.responses.actions(s.cluster)).toEqual([]);
      expect((await s.alertsOf('exec-into-pod'))[0].status).toBe('open');
    });

    it('revokes kubeconfigs by starting a credential rotation, which cannot be reverted', async () => {
      const s = await setup('revoking');
      await s.detect([exec('web-1')]);
      const [alert] = await s.alertsOf('exec-into-pod');
      const action = await s.responses.act(
        s.cluster,
        alert,
        { kind: 'revokeKubeconfigs' },
        'user:default/alice',
      );
      expect(action).toMatchObject({ status: 'done', reversible: false });
      expect(s.change).toHaveBeenCalledWith(
        s.cluster,
        { action: 'rotateCredentials' },
        'user:default/alice',
      );
    });

    it('records a failed action with its error', async () => {
      const s = await setup('failing');
      s.tenant.put(tenantPod('web-1'));
      await s.detect([exec('web-1')]);
      const [alert] = await s.alertsOf('exec-into-pod');
      s.tenant.beforeWrite = async () => {
        throw new Error('the API server refused');
      };
      const action = await s.responses.act(
        s.cluster,
        alert,
        {
          kind: 'isolatePod',
          target: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
        },
        'user:default/alice',
      );
      expect(action).toMatchObject({
        status: 'failed',
        error: 'the API server refused',
      });
      expect((await s.alertsOf('exec-into-pod'))[0].status).toBe('open');
    });

    it('carries out at start the actions a stopped backend left pending', async () => {
      const s = await setup('resuming');
      s.tenant.put(tenantPod('web-1'));
      await s.detect([exec('web-1')]);
      const [alert]: ThreatAlert[] = await s.alertsOf('exec-into-pod');
      const planned = await s.responses.act(
        s.cluster,
        alert,
        {
          kind: 'isolatePod',
          target: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
          dryRun: true,
        },
        'policy:auto',
      );
      // The backend stopped after it recorded the action and before the tenant changed.
      await s.responses.store.saveAction({ ...planned, status: 'pending' });
      await s.responses.resumePending();
      const [resumed] = await s.responses.actions(s.cluster);
      expect(resumed).toMatchObject({ id: planned.id, status: 'done' });
      expect(
        s.tenant.get('NetworkPolicy', quarantinePolicyName('web-1'), 'shop'),
      ).toBeDefined();
      expect((await s.alertsOf('exec-into-pod'))[0].status).toBe('mitigated');
      // Carried out again, it changes nothing more: every step is idempotent.
      await s.responses.store.saveAction({ ...planned, status: 'pending' });
      const objects = JSON.stringify([...s.tenant.objects]);
      await s.responses.resumePending();
      expect(JSON.stringify([...s.tenant.objects])).toBe(objects);
      await s.responses.stop();
    });
  },
);
