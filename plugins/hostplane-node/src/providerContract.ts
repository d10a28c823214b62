import {
  CLUSTER_LABEL,
  ClusterSpec,
  NODE_POOL_LABEL,
  OWNER_LABEL,
  ownerName,
} from '@hostplane/plugin-hostplane-common';
import { HostedControlPlaneProvider, OfferedRelease } from './provider';

/**
 * What breaks the label contract of `HostedControlPlaneProvider` when the provider renders
 * `spec`: one line per problem, none when it holds. A provider's tests call it with a spec that
 * has more than one pool, so that every provider is checked the same way.
 */
export function labelContractViolations(
  provider: HostedControlPlaneProvider,
  spec: ClusterSpec,
  release: OfferedRelease,
): string[] {
  const problems: string[] = [];
  const owner = ownerName(spec.owner);
  const pools = new Set(spec.nodePools.map(pool => pool.name));
  // Cluster-scoped objects (a tenant namespace) may be shared by an owner's clusters.
  const namespaced = provider
    .render(spec, { controlPlane: release, nodePools: {} })
    .filter(object => object.metadata?.namespace);
  for (const object of namespaced) {
    const labels = object.metadata?.labels ?? {};
    const name = `${object.kind} ${object.metadata?.name}`;
    if (labels[CLUSTER_LABEL] !== spec.name) {
      problems.push(
        `${name} has ${CLUSTER_LABEL}=${labels[CLUSTER_LABEL]}, not ${spec.name}`,
      );
    }
    if (labels[OWNER_LABEL] !== owner) {
      problems.push(
        `${name} has ${OWNER_LABEL}=${labels[OWNER_LABEL]}, not ${owner}`,
      );
    }
    const pool = labels[NODE_POOL_LABEL];
    if (pool !== undefined && !pools.has(pool)) {
      problems.push(
        `${name} has ${NODE_POOL_LABEL}=${pool}, which is no pool of the spec`,
      );
    }
  }
  for (const pool of pools) {
    const poolObjects = namespaced.filter(
      object => object.metadata?.labels?.[NODE_POOL_LABEL] === pool,
    );
    if (poolObjects.length === 0) {
      problems.push(`no object carries ${NODE_POOL_LABEL}=${pool}`);
    }
  }
  const kinds = new Set(
    namespaced.map(object => `${object.apiVersion}/${object.kind}`),
  );
  for (const kind of provider.watchedKinds) {
    if (!kinds.has(`${kind.apiVersion}/${kind.kind}`)) {
      problems.push(
        `the watched kind ${kind.kind} (${kind.apiVersion}) is not rendered in the cluster's namespace`,
      );
    }
  }
  return problems;
}

/**
 * What breaks the etcd part of the contract for a cluster of `spec`: a provider that claims
 * `etcdOperations` says where its etcd runs (one pod per member), and the cache never keeps a
 * restore URL (it is short-lived and signed, a credential while it lasts).
 */
export function etcdContractViolations(
  provider: HostedControlPlaneProvider,
  spec: ClusterSpec,
  release: OfferedRelease,
  namespace: string,
): string[] {
  const problems: string[] = [];
  if (!provider.capabilities.etcdOperations) return problems;
  if (!provider.etcdAccess) {
    return ['etcdOperations is claimed but etcdAccess is missing'];
  }
  const access = provider.etcdAccess({
    hub: spec.hub,
    name: spec.name,
    namespace,
    owner: spec.owner,
    phase: 'Ready',
    availability: spec.availability,
    nodePools: [],
    conditions: [],
    deletionProtection: false,
    labels: {},
    spec,
  });
  const members = spec.availability === 'HighlyAvailable' ? 3 : 1;
  if (access.pods.length !== members) {
    problems.push(
      `etcdAccess names ${access.pods.length} etcd pods for a ${spec.availability} cluster, not ${members}`,
    );
  }
  const snapshotUrl = 'https://restore.invalid/snapshot-url-marker';
  const requestUrl = 'https://restore.invalid/request-url-marker';
  const rendered = provider.render(
    spec,
    { controlPlane: release, nodePools: {} },
    {
      etcdRestoreSnapshotURL: snapshotUrl,
      etcdRestoreRequest: { id: 'request-marker', url: requestUrl },
    },
  );
  const all = JSON.stringify(rendered);
  if (!all.includes(snapshotUrl)) {
    problems.push('the restore snapshot URL is not rendered');
  }
  if (!all.includes(requestUrl)) {
    problems.push('the in-place restore request is not rendered');
  }
  const retained = JSON.stringify(
    rendered.map(object => provider.retain?.(object) ?? object),
  );
  for (const url of [snapshotUrl, requestUrl]) {
    if (retained.includes(url)) {
      problems.push(`retain keeps a restore URL (${url}) in the cache`);
    }
  }
  return problems;
}
