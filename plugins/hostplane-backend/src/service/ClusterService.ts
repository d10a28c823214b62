import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import {
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
import { OperationRunner } from '../operations/OperationRunner';
import {
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
    const planned = planCreate(
      spec,
      provider.namespaceFor(spec),
      this.cache.get(hub.name, spec.name),
      hub.releases,
    );
    await this.store.refuseIfBusy(spec.hub, spec.name);
    return { spec, planned };
  }

  /** Starts creating the cluster `body` describes, once `planCreation` lets it through. */
  async create(
    body: unknown,
    user: string,
    authorize: (spec: ClusterSpec) => Promise<void>,
  ): Promise<Operation> {
    const { spec, planned } = await this.planCreation(body, authorize);
    return this.submit(spec.hub, spec.name, planned, body, user);
  }

  /** Every check `change` makes, and the operation it would start; starts nothing. */
  async planChangeOf(
    cluster: ClusterStatus,
    change: ClusterChange,
  ): Promise<PlannedOperation> {
    refuseUnsupportedChange(this.providerOf(cluster.hub), cluster.hub, change);
    const planned = planChange(cluster, change, this.hub(cluster.hub).releases);
    await this.store.refuseIfBusy(cluster.hub, cluster.name);
    return planned;
  }

  async change(
    cluster: ClusterStatus,
    change: ClusterChange,
    user: string,
  ): Promise<Operation> {
    const planned = await this.planChangeOf(cluster, change);
    return this.submit(cluster.hub, cluster.name, planned, change, user);
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
