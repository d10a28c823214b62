import path from 'node:path';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';
import {
  CLUSTER_LABEL,
  ETCD_RESTORED_ANNOTATION,
  ROTATE_CREDENTIALS_ANNOTATION,
} from '@hostplane/plugin-hostplane-common';
import { ServerSideApplier } from '@hostplane/plugin-hostplane-node';
import {
  CONTROL_PLANE_COMPONENTS,
  adminKubeconfigSecretName,
  controlPlaneNamespace,
  machineName,
  planMachines,
  publishControlPlane,
  renderMachine,
} from '../controlplane';
import {
  deploymentRolledOut,
  statefulSetRolledOut,
} from '../controlplane/rollout';
import { StandinEtcd } from '../etcd/StandinEtcd';
import { hubBinaries } from '../paths';
import { STATUS_ONLY } from '../seed/render';
import {
  HOSTED_CLUSTER_FINALIZER,
  STANDIN_LABEL,
  injectedFailure,
} from '../stages';
import {
  HYPERSHIFT_NODE_POOL_LABEL,
  TenantProcesses,
} from '../TenantProcesses';
import { STANDIN_FIELD_MANAGER } from './fieldManager';
import { tenantAuditWebhook } from './auditWebhook';
import { VersionHistoryEntry, hostedClusterStatus } from './status';

/** The stand-in's mark on a HostedCluster it runs real processes for. */
export const REAL = 'real';

const GROUP = 'hypershift.openshift.io';
const VERSION = 'v1beta1';
/** The label HyperShift puts on the control-plane namespaces it creates (so does the stand-in). */
const HOSTED_CONTROL_PLANE_LABEL =
  'hypershift.openshift.io/hosted-control-plane';

type Object = KubernetesObject & { spec?: any; status?: any };

export interface StandinOptions {
  hubKubeConfig: KubeConfig;
  /** How many HostedClusters get real processes at once; others are left to the KWOK Stages. */
  maxRealTenants?: number;
  /** Where the tenants' processes keep their state; the cache's `tenants` folder by default. */
  tenantsWorkdir?: string;
  /** How often real tenants are probed for health. */
  probeIntervalMs?: number;
  /** The etcd backend quota of new real tenants (tests fill it); kwokctl's 8 GiB by default. */
  etcdQuotaBackendBytes?: number;
  log?: (message: string) => void;
}

/**
 * The local hub's stand-in for HyperShift's operators (which cannot run here: no container
 * runtime, no release payloads). It watches HostedClusters and NodePools and, for up to
 * `maxRealTenants` of them, does what the operators do at the level the portal observes: runs the
 * tenant's control plane (as real local processes), publishes its control-plane namespace and
 * admin kubeconfig in the hub, keeps the tenant's nodes in step with its NodePools, probes its
 * health and writes the HostedCluster status HyperShift would. A new release rolls the
 * control-plane pods (the processes keep the one Kubernetes version that was built) and is
 * reported in the version history. Deleting a HostedCluster stops its processes and removes what
 * was published before the finalizer is released; what HostedClusters deleted while it was not
 * running left behind is removed when it starts.
 */
export class StandinOperator {
  private readonly applier: ServerSideApplier;
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly tenants = new Map<string, TenantProcesses>();
  private readonly published = new Map<
    string,
    { highlyAvailable: boolean; releaseImage: string; secret: string }
  >();
  private readonly queue = new Map<string, Promise<void>>();
  private readonly clusters;
  private readonly pools;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly etcd: StandinEtcd;
  private stopped = false;

  constructor(private readonly options: StandinOptions) {
    const kubeConfig = options.hubKubeConfig;
    this.applier = new ServerSideApplier(kubeConfig, STANDIN_FIELD_MANAGER);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.etcd = new StandinEtcd({
      hubKubeConfig: kubeConfig,
      etcdutl: hubBinaries().etcdutl,
      confirmRestored: (hc, requestId) =>
        this.applyMark(hc, { [ETCD_RESTORED_ANNOTATION]: requestId }),
      log: message => this.log(message),
    });
    const list = (plural: string) => () =>
      this.custom.listCustomObjectForAllNamespaces({
        group: GROUP,
        version: VERSION,
        plural,
      }) as any;
    this.clusters = makeInformer<Object>(
      kubeConfig,
      `/apis/${GROUP}/${VERSION}/hostedclusters`,
      list('hostedclusters'),
    );
    this.pools = makeInformer<Object>(
      kubeConfig,
      `/apis/${GROUP}/${VERSION}/nodepools`,
      list('nodepools'),
    );
  }

  private get log() {
    return this.options.log ?? (() => {});
  }

  async start(): Promise<void> {
    // Before any reconcile runs, so nothing else touches what is removed.
    await this.removeOrphans();
    const onCluster = (hc: Object) =>
      this.enqueue(`${hc.metadata!.namespace}/${hc.metadata!.name}`);
    const onPool = (np: Object) =>
      this.enqueue(`${np.metadata!.namespace}/${np.spec?.clusterName}`);
    for (const [informer, handler] of [
      [this.clusters, onCluster],
      [this.pools, onPool],
    ] as const) {
      informer.on('add', handler);
      informer.on('update', handler);
      informer.on('delete', handler);
      // The client's informer stops on an error; a watch that breaks is started again.
      const restart = () => {
        if (this.stopped) return;
        Promise.resolve()
          .then(() => informer.start())
          .catch(error => {
            this.log(`watch restart failed: ${error}`);
            this.timers.add(setTimeout(restart, 1_000));
          });
      };
      informer.on('error', error => {
        // Stopping aborts the watches: that is no failure to report.
        if (this.stopped) return;
        this.log(`watch failed, restarting: ${error}`);
        this.timers.add(setTimeout(restart, 1_000));
      });
      await informer.start();
    }
    this.timers.add(
      setInterval(() => {
        for (const key of this.tenants.keys()) this.enqueue(key);
      }, this.options.probeIntervalMs ?? 2_000),
    );
  }

  /** Stops watching and stops the tenants' processes, keeping their state for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    await this.clusters.stop();
    await this.pools.stop();
    await Promise.all(this.queue.values());
    for (const tenant of this.tenants.values()) {
      await tenant.stop();
    }
  }

  /**
   * Removes what HostedClusters deleted while the stand-in was not running left behind: their
   * control-plane namespaces (and the VMs in them), admin kubeconfig Secrets, KWOK wiring, and the
   * tenants' processes and state. Found from the control-plane namespaces the stand-in published,
   * which name their HostedCluster. HostedClusters still being deleted are left to their reconcile,
   * which also releases the finalizer.
   */
  private async removeOrphans(): Promise<void> {
    const clusters = (await this.custom.listCustomObjectForAllNamespaces({
      group: GROUP,
      version: VERSION,
      plural: 'hostedclusters',
    })) as { items: Object[] };
    const live = new Set(
      clusters.items.map(hc =>
        controlPlaneNamespace(hc.metadata!.namespace!, hc.metadata!.name!),
      ),
    );
    const namespaces = await this.core.listNamespace({
      labelSelector: `${HOSTED_CONTROL_PLANE_LABEL}=true`,
    });
    for (const { metadata } of namespaces.items) {
      const name = metadata!.labels?.[CLUSTER_LABEL];
      const publishedByStandin = metadata!.managedFields?.some(
        f => f.manager === STANDIN_FIELD_MANAGER,
      );
      if (
        !name ||
        !publishedByStandin ||
        live.has(metadata!.name!) ||
        !metadata!.name!.endsWith(`-${name}`)
      ) {
        continue;
      }
      const namespace = metadata!.name!.slice(0, -(name.length + 1));
      this.log(
        `${namespace}/${name} was deleted while the stand-in was not running; removing what it left`,
      );
      await this.teardown(namespace, name);
    }
  }

  /** Waits until every reconcile queued so far has run. */
  async idle(): Promise<void> {
    while (this.queue.size > 0) {
      await Promise.all(this.queue.values());
    }
  }

  tenant(namespace: string, name: string): TenantProcesses | undefined {
    return this.tenants.get(`${namespace}/${name}`);
  }

  /** Every real tenant it runs, with its HostedCluster's namespace and name. */
  realTenants(): Array<{
    namespace: string;
    name: string;
    tenant: TenantProcesses;
  }> {
    return [...this.tenants].map(([key, tenant]) => {
      const [namespace, name] = key.split('/');
      return { namespace, name, tenant };
    });
  }

  /** Reconciles of one HostedCluster run one at a time, in order; failures are logged and retried. */
  private enqueue(key: string): void {
    const previous = this.queue.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => (this.stopped ? undefined : this.reconcile(key)))
      .catch(error => {
        this.log(`reconcile ${key} failed: ${error.message}`);
        this.timers.add(
          setTimeout(() => !this.stopped && this.enqueue(key), 2_000),
        );
      })
      .finally(() => {
        if (this.queue.get(key) === next) this.queue.delete(key);
      });
    this.queue.set(key, next);
  }

  private async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const hc = this.clusters.get(name, namespace);
    if (!hc) {
      await this.teardown(namespace, name);
      return;
    }
    const labels = hc.metadata!.labels ?? {};
    if (labels[STANDIN_LABEL] === STATUS_ONLY) {
      return;
    }
    if (hc.metadata!.deletionTimestamp) {
      await this.teardown(namespace, name);
      await this.releaseFinalizer(hc);
      return;
    }
    const owned = labels[STANDIN_LABEL] === REAL;
    if (!owned && this.tenants.size >= (this.options.maxRealTenants ?? 3)) {
      return;
    }
    if (!owned) {
      // Marked first, so the KWOK Stages stop writing this HostedCluster's status.
      await this.applyMark(hc);
    }

    const highlyAvailable =
      hc.spec?.controllerAvailabilityPolicy === 'HighlyAvailable';
    let tenant = this.tenants.get(key);
    if (!tenant) {
      tenant = await TenantProcesses.open({
        namespace,
        name,
        workdir: this.options.tenantsWorkdir,
        // The policy cannot change once the HostedCluster exists (HyperShift refuses it).
        etcdMembers: highlyAvailable ? 3 : 1,
        etcdQuotaBackendBytes: this.options.etcdQuotaBackendBytes,
        log: this.log,
      });
      // Its audit webhook, when the HostedCluster names one, is part of how it is created.
      tenant.auditWebhook = await tenantAuditWebhook(
        hc,
        this.core,
        path.join(tenant.workdir, `${tenant.name}.audit-webhook.kubeconfig`),
      );
      // From its etcd snapshot when the HostedCluster names one (restoreSnapshotURL).
      await this.etcd.startTenant(hc, tenant);
      this.tenants.set(key, tenant);
    }
    // What HyperShift would do if asked to rotate: a new root CA and admin credential, with the
    // control plane restarted on them, published again.
    const rotation = hc.metadata!.annotations?.[ROTATE_CREDENTIALS_ANNOTATION];
    if (rotation && tenant.credentialsRotation() !== rotation) {
      this.log(`rotating the credentials of ${key}`);
      await tenant.rotateCredentials(rotation);
      this.published.delete(key);
    }
    // An in-place etcd restore asked for or under way, or an etcd member to reset.
    await this.etcd.reconcile(hc, tenant);
    const releaseImage: string = hc.spec.release.image;
    let published = this.published.get(key);
    // Published when the tenant is first run and when its availability policy or release changes,
    // not on every health probe.
    if (
      published?.highlyAvailable !== highlyAvailable ||
      published.releaseImage !== releaseImage
    ) {
      const secret = await publishControlPlane(
        this.applier,
        { namespace, name, highlyAvailable, releaseImage },
        tenant,
      );
      published = { highlyAvailable, releaseImage, secret };
      this.published.set(key, published);
    }
    const kubeconfigSecret = published.secret;
    tenant.mirrorLogs([
      ...new Set([...CONTROL_PLANE_COMPONENTS, ...tenant.etcdLogComponents()]),
    ]);
    const health = await tenant.health();
    const runningMachines = await this.reconcileMachines(namespace, name);
    if (health.kubeAPIServer) {
      await tenant.syncPoolNodes(runningMachines);
    }
    const rolledOut = await this.controlPlaneRolledOut(
      controlPlaneNamespace(namespace, name),
    );
    await this.writeStatus(hc, tenant, {
      health,
      kubeconfigSecret,
      rolledOut,
    });
  }

  /**
   * Applies the stand-in's mark on a HostedCluster: its label and finalizer, the restored etcd
   * request it answered, and `annotations`. One apply for all the manager owns there, since an
   * apply that leaves out a field the manager owns removes it.
   */
  private async applyMark(
    hc: Object,
    annotations: Record<string, string> = {},
  ): Promise<void> {
    const restored = hc.metadata!.annotations?.[ETCD_RESTORED_ANNOTATION];
    const owned = {
      ...(restored ? { [ETCD_RESTORED_ANNOTATION]: restored } : {}),
      ...annotations,
    };
    await this.applier.apply([
      {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'HostedCluster',
        metadata: {
          namespace: hc.metadata!.namespace,
          name: hc.metadata!.name,
          labels: { [STANDIN_LABEL]: REAL },
          finalizers: [HOSTED_CLUSTER_FINALIZER],
          ...(Object.keys(owned).length > 0 ? { annotations: owned } : {}),
        },
      },
    ]);
  }

  /** Whether the hub has rolled every control-plane workload out to its current template. */
  private async controlPlaneRolledOut(namespace: string): Promise<boolean> {
    const [deployments, statefulSets] = await Promise.all([
      this.apps.listNamespacedDeployment({ namespace }),
      this.apps.listNamespacedStatefulSet({ namespace }),
    ]);
    return (
      deployments.items.length + statefulSets.items.length > 0 &&
      deployments.items.every(deploymentRolledOut) &&
      statefulSets.items.every(statefulSetRolledOut)
    );
  }

  /**
   * Keeps one VirtualMachine (with its VMI and virt-launcher pod) per NodePool replica in the
   * control-plane namespace, as HyperShift's KubeVirt platform does, honouring the failures
   * injected into the pools (see failureInjection.ts), and returns the machines whose VM is
   * Running: those join the tenant as nodes.
   */
  private async reconcileMachines(
    namespace: string,
    name: string,
  ): Promise<Array<{ pool: string; name: string }>> {
    const machinesNamespace = controlPlaneNamespace(namespace, name);
    const kubevirt = (plural: string) =>
      this.custom.listNamespacedCustomObject({
        group: 'kubevirt.io',
        version: 'v1',
        namespace: machinesNamespace,
        plural,
        labelSelector: HYPERSHIFT_NODE_POOL_LABEL,
      }) as Promise<{ items: Object[] }>;
    const [vms, vmis, launchers] = await Promise.all([
      kubevirt('virtualmachines'),
      kubevirt('virtualmachineinstances'),
      this.core.listNamespacedPod({
        namespace: machinesNamespace,
        labelSelector: 'kubevirt.io=virt-launcher',
      }),
    ]);
    const poolOf = (o: KubernetesObject) =>
      o.metadata!.labels![HYPERSHIFT_NODE_POOL_LABEL];
    const plan = planMachines(
      machinesNamespace,
      this.pools
        .list(namespace)
        .filter(
          np =>
            np.spec?.clusterName === name && !np.metadata!.deletionTimestamp,
        )
        .map(np => ({
          name: np.metadata!.name!,
          replicas: np.spec?.replicas ?? 0,
          cores: np.spec?.platform?.kubevirt?.compute?.cores ?? 2,
          memory: String(np.spec?.platform?.kubevirt?.compute?.memory ?? '8Gi'),
          failure: injectedFailure(np.metadata!.annotations),
        })),
      vms.items.map(vm => ({ pool: poolOf(vm), name: vm.metadata!.name! })),
    );
    const failing = new Set(
      plan.render
        .filter(m => m.failsToBoot)
        .map(m => machineName(m.pool, m.index)),
    );
    // A VMI that failed is final: once the VM can boot again KubeVirt starts a new one, which the
    // apply below creates in its place.
    for (const vmi of vmis.items) {
      if (
        vmi.status?.phase === 'Failed' &&
        !failing.has(vmi.metadata!.name!) &&
        !plan.keep.includes(vmi.metadata!.name!)
      ) {
        await this.custom
          .deleteNamespacedCustomObject({
            group: 'kubevirt.io',
            version: 'v1',
            namespace: machinesNamespace,
            plural: 'virtualmachineinstances',
            name: vmi.metadata!.name!,
          })
          .catch(ignoreNotFound);
      }
    }
    await this.applier.apply(plan.render.flatMap(renderMachine));
    for (const pod of launchers.items) {
      if (failing.has(pod.metadata!.labels!['kubevirt.io/vm'])) {
        await this.core
          .deleteNamespacedPod({
            namespace: machinesNamespace,
            name: pod.metadata!.name!,
          })
          .catch(ignoreNotFound);
      }
    }
    const wanted = new Set([
      ...plan.keep,
      ...plan.render.map(m => machineName(m.pool, m.index)),
    ]);
    const running: Array<{ pool: string; name: string }> = [];
    for (const vm of vms.items) {
      const vmName = vm.metadata!.name!;
      if (!wanted.has(vmName)) {
        await this.deleteMachine(machinesNamespace, vmName);
      } else if (
        vm.status?.printableStatus === 'Running' &&
        !failing.has(vmName)
      ) {
        running.push({ pool: poolOf(vm), name: vmName });
      }
    }
    return running;
  }

  private async deleteMachine(namespace: string, name: string): Promise<void> {
    for (const plural of ['virtualmachines', 'virtualmachineinstances']) {
      await this.custom
        .deleteNamespacedCustomObject({
          group: 'kubevirt.io',
          version: 'v1',
          namespace,
          plural,
          name,
        })
        .catch(ignoreNotFound);
    }
    await this.core
      .deleteNamespacedPod({ namespace, name: `virt-launcher-${name}` })
      .catch(ignoreNotFound);
  }

  private async writeStatus(
    hc: Object,
    tenant: TenantProcesses,
    probe: {
      health: {
        etcd: boolean;
        kubeAPIServer: boolean;
        etcdUnavailableMembers: number;
      };
      kubeconfigSecret: string;
      rolledOut: boolean;
    },
  ): Promise<void> {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const endpoint = new URL(tenant.server);
    const current = hc.status ?? {};
    const history: VersionHistoryEntry[] = current.version?.history ?? [];
    // The newest entry is this release's while it is the one asked for; a new release gets a new
    // entry above the others.
    const same = history[0]?.image === hc.spec.release.image;
    const status = hostedClusterStatus(
      {
        releaseImage: hc.spec.release.image,
        generation: hc.metadata!.generation ?? 1,
        health: probe.health,
        endpoint: { host: endpoint.hostname, port: Number(endpoint.port) },
        kubeconfigSecret: probe.kubeconfigSecret,
        startedAt: same ? history[0].startedTime : now,
        completedAt: same ? history[0].completionTime ?? undefined : undefined,
        rolledOut: probe.rolledOut,
        previousHistory: same ? history.slice(1) : history,
      },
      now,
    );
    status.conditions.push(
      ...this.etcd.conditions(hc, current.conditions ?? []),
    );
    // Conditions keep their transition time unless their status changed, as the operators do.
    status.conditions = status.conditions.map(c => {
      const before = (current.conditions ?? []).find(
        (b: any) => b.type === c.type,
      );
      return before && before.status === c.status && before.reason === c.reason
        ? { ...c, lastTransitionTime: before.lastTransitionTime }
        : c;
    });
    if (canonical(status) === canonical(pick(current, Object.keys(status)))) {
      return;
    }
    await this.custom
      .patchNamespacedCustomObjectStatus({
        group: GROUP,
        version: VERSION,
        namespace: hc.metadata!.namespace!,
        plural: 'hostedclusters',
        name: hc.metadata!.name!,
        fieldManager: STANDIN_FIELD_MANAGER,
        // A JSON patch: the schema requires some fields present as null, which apply would drop.
        body: [
          { op: 'add', path: '/status', value: { ...current, ...status } },
        ],
      })
      // Deleted while it was probed: the reconcile its deletion queued tears it down.
      .catch(ignoreNotFound);
  }

  /** Stops and removes the tenant's processes and what was published for it in the hub. */
  private async teardown(namespace: string, name: string): Promise<void> {
    const key = `${namespace}/${name}`;
    const tenant =
      this.tenants.get(key) ??
      (await TenantProcesses.open({
        namespace,
        name,
        workdir: this.options.tenantsWorkdir,
      }));
    if (tenant.exists()) {
      this.log(`deleting the processes of ${key}`);
      await tenant.delete();
    }
    this.tenants.delete(key);
    this.published.delete(key);
    this.etcd.forget(namespace, name, tenant);
    await this.core
      .deleteNamespace({ name: controlPlaneNamespace(namespace, name) })
      .catch(ignoreGone);
    await this.core
      .deleteNamespacedSecret({
        namespace,
        name: adminKubeconfigSecretName(name),
      })
      .catch(ignoreNotFound);
    for (const plural of [
      'clusterlogs',
      'clusterexecs',
      'clusterportforwards',
    ]) {
      await this.custom
        .deleteClusterCustomObject({
          group: 'kwok.x-k8s.io',
          version: 'v1alpha1',
          plural,
          name: controlPlaneNamespace(namespace, name),
        })
        .catch(ignoreNotFound);
    }
  }

  private async releaseFinalizer(hc: Object): Promise<void> {
    const finalizers = hc.metadata!.finalizers ?? [];
    const index = finalizers.indexOf(HOSTED_CLUSTER_FINALIZER);
    if (index < 0) return;
    await this.custom
      .patchNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: hc.metadata!.namespace!,
        plural: 'hostedclusters',
        name: hc.metadata!.name!,
        body: [
          {
            op: 'test',
            path: `/metadata/finalizers/${index}`,
            value: HOSTED_CLUSTER_FINALIZER,
          },
          { op: 'remove', path: `/metadata/finalizers/${index}` },
        ],
      })
      // Reconciled again from a cache that has not seen it go: its finalizer is already released.
      .catch(ignoreNotFound);
  }
}

function pick(
  object: Record<string, unknown>,
  keys: string[],
): Record<string, unknown> {
  return Object.fromEntries(
    keys.filter(k => k in object).map(k => [k, object[k]]),
  );
}

/** JSON with sorted keys: the API server does not keep the key order it was sent. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map(k => [k, v[k]]),
        )
      : v,
  );
}

function ignoreNotFound(error: { code?: number }) {
  if (error.code !== 404) throw error;
}

/** A namespace whose deletion has begun answers a new delete with 409 Conflict. */
function ignoreGone(error: { code?: number }) {
  if (error.code !== 404 && error.code !== 409) throw error;
}
