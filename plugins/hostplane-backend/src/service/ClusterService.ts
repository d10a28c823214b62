import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  BackupTrigger,
  ClusterChange,
  ClusterSpec,
  ClusterStatus,
  Operation,
  ProviderCapabilities,
  clusterSpecSchema,
} from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  HubDefinition,
} from '@hostplane/plugin-hostplane-node';
import { ClusterCache } from '../cache/ClusterCache';
import { HubClusterCache } from '../cache/HubClusterCache';
import { OperationStore, StoredOperation } from '../database/OperationStore';
import { EtcdServices } from '../operations/etcdServices';
import { OperationRunner } from '../operations/OperationRunner';
import {
  EtcdRequester,
  PlannedOperation,
  planChange,
  planCreate,
  planDelete,
} from '../operations/plan';
import {
  capabilitiesOf,
  refuseUnsupportedChange,
  refuseUnsupportedSpec,
} from './capabilities';
import { ValidationError } from './ValidationError';

/** Who Hostplane's own operations are started by. */
export const SYSTEM_USER = 'hostplane';

/** The changes that work on etcd: they need the etcd services (and backups their store). */
const ETCD_ACTIONS = new Set<ClusterChange['action']>([
  'backup',
  'restore',
  'defragment',
  'recoverEtcdSpace',
  'replaceEtcdMember',
]);

/** The engine's front: validates a request, plans it and hands it to the runner. */
export class ClusterService {
  constructor(
    private readonly hubs: HubDefinition[],
    private readonly providers: Map<string, HostedControlPlaneProvider>,
    readonly cache: ClusterCache,
    private readonly store: OperationStore,
    private readonly runner: OperationRunner,
    private readonly options: {
      /** How long a create waits for its hub's first listing before it is refused with 503. */
      listWaitMs?: number;
      /** Backups: a restore's backup is looked up when it is planned. */
      etcd?: EtcdServices;
    } = {},
  ) {}

  hub(name: string): HubDefinition {
    const hub = this.hubs.find(h => h.name === name);
    if (!hub) throw new NotFoundError(`There is no hub '${name}'`);
    return hub;
  }

  /** What the provider of the hub supports. */
  capabilities(hub: string): ProviderCapabilities {
    return capabilitiesOf(this.providerOf(hub));
  }

  private providerOf(hub: string): HostedControlPlaneProvider {
    return this.providers.get(this.hub(hub).provider)!;
  }

  /** The cluster, or 404. */
  get(hub: string, name: string): ClusterStatus {
    this.hub(hub);
    const cluster = this.cache.get(hub, name);
    if (!cluster) {
      const hubCache = this.cache.hub(hub);
      if (!hubCache.listed()) {
        throw notListedError(hubCache, `cluster '${name}' may be on it`);
      }
      throw new NotFoundError(`There is no cluster '${name}' on hub '${hub}'`);
    }
    return cluster;
  }

  /**
   * Resolves once the hub has been listed: before that the cache cannot say whether the name is
   * taken. Waits a little, since a hub is listed within seconds of start-up when it answers, and
   * then refuses with 503 rather than hold the request for as long as the hub is away.
   */
  private async refuseUntilListed(hub: string): Promise<void> {
    const hubCache = this.cache.hub(hub);
    if (await hubCache.whenListed(this.options.listWaitMs ?? 10_000)) return;
    throw notListedError(hubCache, 'no cluster can be created on it yet');
  }

  /**
   * Checks and plans creating the cluster `body` describes, as `create` would, and starts nothing:
   * its spec, `authorize` (which throws when its maker may not create it, for its owner say), the
   * hub's versions, the name, and an operation already running under that name.
   */
  async planCreation(
    body: unknown,
    authorize: (spec: ClusterSpec) => Promise<void>,
    options: {
      /** Who asks (recorded with a restore); the system when not given. */
      user?: string;
      /** Throws when the caller may not restore the source cluster's backups (`spec.restoreFrom`). */
      authorizeRestore?: (source: ClusterStatus) => Promise<void>;
    } = {},
  ): Promise<{ spec: ClusterSpec; planned: PlannedOperation }> {
    const parsed = clusterSpecSchema.safeParse(body);
    if (!parsed.success) throw ValidationError.fromZod(parsed.error);
    const spec = parsed.data;
    const hub = this.hubs.find(h => h.name === spec.hub);
    if (!hub) {
      throw new ValidationError([
        {
          path: ['hub'],
          message: `there is no hub '${spec.hub}' (hubs: ${this.hubs
            .map(h => h.name)
            .join(', ')})`,
        },
      ]);
    }
    const provider = this.providerOf(hub.name);
    refuseUnsupportedSpec(provider, spec);
    await authorize(spec);
    await this.refuseUntilListed(hub.name);
    const restore = spec.restoreFrom && {
      source: await this.restoreSourceOf(spec, options.authorizeRestore),
      requester: {
        requestedBy: options.user ?? 'hostplane',
        trigger: 'manual' as const,
      },
    };
    const planned = planCreate(
      spec,
      provider.namespaceFor(spec),
      this.cache.get(hub.name, spec.name),
      hub.releases,
      restore,
    );
    await this.store.refuseIfBusy(spec.hub, spec.name);
    return { spec, planned };
  }

  /**
   * The backup a new cluster starts from, named in full: its cluster must exist and the caller
   * may restore it (`hostplane.backup.restore`), and the backup must be a complete one.
   */
  private async restoreSourceOf(
    spec: ClusterSpec,
    authorizeRestore?: (source: ClusterStatus) => Promise<void>,
  ) {
    const from = spec.restoreFrom!;
    const source = this.cache.get(from.hub, from.cluster);
    if (!source) {
      throw new ValidationError([
        {
          path: ['restoreFrom', 'cluster'],
          message: `there is no cluster '${from.cluster}' on hub '${from.hub}' to restore from`,
        },
      ]);
    }
    await authorizeRestore?.(source);
    const ref = {
      hub: source.hub,
      namespace: source.namespace,
      cluster: source.name,
      backupId: from.backupId,
    };
    if (!this.options.etcd?.backups.hasStore(source.hub)) {
      throw new ValidationError([
        {
          path: ['restoreFrom', 'hub'],
          message: `hub '${source.hub}' keeps no backups`,
        },
      ]);
    }
    try {
      await this.options.etcd.backups.metadataOf(ref);
    } catch (error) {
      if ((error as Error).name !== 'NotFoundError') throw error;
      throw new ValidationError([
        {
          path: ['restoreFrom', 'backupId'],
          message: (error as Error).message,
        },
      ]);
    }
    return ref;
  }

  /** Starts creating the cluster `body` describes, once `planCreation` lets it through. */
  async create(
    body: unknown,
    user: string,
    authorize: (spec: ClusterSpec) => Promise<void>,
    authorizeRestore?: (source: ClusterStatus) => Promise<void>,
  ): Promise<Operation> {
    const { spec, planned } = await this.planCreation(body, authorize, {
      user,
      authorizeRestore,
    });
    return this.submit(spec.hub, spec.name, planned, body, user);
  }

  /** Every check `change` makes, and the operation it would start; starts nothing. */
  async planChangeOf(
    cluster: ClusterStatus,
    change: ClusterChange,
    requester?: EtcdRequester,
  ): Promise<PlannedOperation> {
    refuseUnsupportedChange(this.providerOf(cluster.hub), cluster.hub, change);
    if (ETCD_ACTIONS.has(change.action)) {
      this.refuseWithoutBackups(cluster, change);
    }
    const planned = planChange(
      cluster,
      change,
      this.hub(cluster.hub).releases,
      new Date(),
      requester,
    );
    const source = planned.plan.etcd?.restore?.source;
    if (source) await this.options.etcd!.backups.metadataOf(source);
    await this.store.refuseIfBusy(cluster.hub, cluster.name);
    return planned;
  }

  async change(
    cluster: ClusterStatus,
    change: ClusterChange,
    user: string,
  ): Promise<Operation> {
    const planned = await this.planChangeOf(cluster, change, {
      requestedBy: user,
      trigger: 'manual',
    });
    return this.submit(cluster.hub, cluster.name, planned, change, user);
  }

  /**
   * Runs a change as Hostplane itself (`hostplane`), for the backend's own schedules: a backup on
   * the cluster's cron, a defragmentation its etcd needs. Refused as a user's change would be (a
   * `ConflictError` while another operation runs).
   */
  async submitSystemChange(
    hub: string,
    name: string,
    change: ClusterChange,
    trigger: BackupTrigger,
  ): Promise<Operation> {
    const cluster = this.get(hub, name);
    const planned = await this.planChangeOf(cluster, change, {
      requestedBy: SYSTEM_USER,
      trigger,
    });
    return this.submit(hub, name, planned, change, SYSTEM_USER);
  }

  /** Backups need the hub's store; etcd maintenance needs the etcd services only. */
  private refuseWithoutBackups(
    cluster: ClusterStatus,
    change: ClusterChange,
  ): void {
    const needsStore = ['backup', 'restore'].includes(change.action);
    if (
      !this.options.etcd ||
      (needsStore && !this.options.etcd.backups.hasStore(cluster.hub))
    ) {
      throw new ConflictError(
        `Hub '${cluster.hub}' keeps no etcd backups (hostplane.hubs[].backups), so '${change.action}' is not available for its clusters`,
      );
    }
  }

  /** Every check `delete` makes, and the operation it would start; starts nothing. */
  async planDeletionOf(cluster: ClusterStatus): Promise<PlannedOperation> {
    const planned = planDelete(cluster);
    await this.store.refuseIfBusy(cluster.hub, cluster.name);
    return planned;
  }

  async delete(cluster: ClusterStatus, user: string): Promise<Operation> {
    const planned = await this.planDeletionOf(cluster);
    return this.submit(cluster.hub, cluster.name, planned, {}, user);
  }

  async retry(id: string): Promise<Operation> {
    return publicView(await this.runner.retry(id));
  }

  async operation(id: string): Promise<Operation> {
    return publicView(await this.store.get(id));
  }

  async operations(filter: {
    hub?: string;
    cluster?: string;
    offset: number;
    limit: number;
  }) {
    const { items, totalCount } = await this.store.list(filter);
    return { items: items.map(publicView), totalCount };
  }

  private async submit(
    hub: string,
    cluster: string,
    planned: PlannedOperation,
    input: unknown,
    user: string,
  ): Promise<Operation> {
    return publicView(
      await this.runner.submit({
        hub,
        cluster,
        type: planned.type,
        input,
        plan: planned.plan,
        steps: planned.steps,
        createdBy: user,
      }),
    );
  }
}

/** An operation without its plan: the plan repeats the spec, which the cluster view shows. */
function publicView(operation: StoredOperation): Operation {
  const { input: _input, plan: _plan, ...view } = operation;
  return view;
}

function notListedError(
  hubCache: HubClusterCache,
  consequence: string,
): ServiceUnavailableError {
  const { error } = hubCache.state();
  return new ServiceUnavailableError(
    `Hub '${hubCache.hub.name}' has not been listed since the backend started${
      error ? ` (${error})` : ''
    }, so ${consequence}; try again once the hub answers`,
  );
}
