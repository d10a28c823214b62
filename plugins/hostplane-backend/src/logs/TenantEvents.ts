import { ClusterStatus, TenantEvent } from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  HubDefinition,
} from '@hostplane/plugin-hostplane-node';
import { CoreV1Api, CoreV1Event } from '@kubernetes/client-node';
import { NotFoundError } from '@backstage/errors';
import { readTenantAuthority } from '../kubeconfig/tenantAuthority';
import { redactLine } from './redact';

/** The most events one answer lists. */
const MAX_EVENTS = 500;

/**
 * The tenant's Kubernetes events, read with its admin credential from the hub (never returned):
 * warnings first, then newest first, messages redacted.
 */
export class TenantEvents {
  constructor(
    private readonly hubs: HubDefinition[],
    private readonly providers: Map<string, HostedControlPlaneProvider>,
  ) {}

  async list(cluster: ClusterStatus): Promise<TenantEvent[]> {
    const hub = this.hubs.find(h => h.name === cluster.hub);
    if (!hub) throw new NotFoundError(`There is no hub '${cluster.hub}'`);
    const authority = await readTenantAuthority(
      hub,
      this.providers.get(hub.provider)!,
      cluster,
    );
    const { items } = await authority.admin
      .makeApiClient(CoreV1Api)
      .listEventForAllNamespaces({ limit: MAX_EVENTS });
    return sortEvents(items.map(tenantEvent));
  }
}

function tenantEvent(event: CoreV1Event): TenantEvent & { sortTime: number } {
  const lastSeen =
    event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp;
  const time = lastSeen ? new Date(lastSeen as unknown as string) : undefined;
  return {
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: redactLine(event.message ?? ''),
    object: `${event.involvedObject.kind ?? ''}/${
      event.involvedObject.name ?? ''
    }`,
    ...(event.involvedObject.namespace
      ? { namespace: event.involvedObject.namespace }
      : {}),
    count: event.count ?? 1,
    ...(time ? { lastSeen: time.toISOString() } : {}),
    sortTime: time?.getTime() ?? 0,
  };
}

/** Warnings before the rest, each group newest first. */
export function sortEvents(
  events: Array<TenantEvent & { sortTime: number }>,
): TenantEvent[] {
  return events
    .sort(
      (a, b) =>
        Number(b.type === 'Warning') - Number(a.type === 'Warning') ||
        b.sortTime - a.sortTime,
    )
    .map(({ sortTime: _sortTime, ...event }) => event);
}
