import type { NodePoolStatus } from './clusters';

/** A Kubernetes release as hubs offer it and specs name it: `vMAJOR.MINOR.PATCH`. */
export const VERSION_PATTERN = /^v\d+\.\d+\.\d+$/;

/** How far kubelets may lag the API server, in minor versions (Kubernetes' version skew policy). */
export const MAX_KUBELET_SKEW = 3;

export type Version = [major: number, minor: number, patch: number];

/** The numbers of a `vMAJOR.MINOR.PATCH` version; undefined for anything else. */
export function parseVersion(version: string): Version | undefined {
  if (!VERSION_PATTERN.test(version)) return undefined;
  const [major, minor, patch] = version.slice(1).split('.').map(Number);
  return [major, minor, patch];
}

/** Negative when a is older than b, positive when newer; versions that do not parse sort first. */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [parseVersion(a), parseVersion(b)];
  if (!pa || !pb) return (pa ? 1 : 0) - (pb ? 1 : 0);
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

/**
 * The rule an upgrade breaks. `sameVersion` is about where the cluster is (the API answers it as
 * a conflict); the others are about the version asked for (bad input).
 */
export type UpgradeRule =
  | 'sameVersion'
  | 'downgrade'
  | 'majorVersion'
  | 'skipsMinor'
  | 'kubeletSkew';

export interface UpgradeRefusal {
  rule: UpgradeRule;
  /** The reason, as the API answers it and the portal shows it. */
  message: string;
}

/** What an upgrade check needs of a cluster: its name and its pools' kubelet versions. */
export interface UpgradeSubject {
  name: string;
  nodePools: ReadonlyArray<Pick<NodePoolStatus, 'name' | 'version'>>;
}

/**
 * Why upgrading the cluster's control plane from `from` to `to` is refused: no staying at the
 * same version, no downgrade, no major version change, one minor version at a time, and kubelets
 * at most MAX_KUBELET_SKEW minor versions behind. Undefined when it is allowed, or when a version
 * does not parse (the API's schemas refuse those before this is asked).
 */
export function upgradeRefusal(
  cluster: UpgradeSubject,
  from: string,
  to: string,
): UpgradeRefusal | undefined {
  const [f, t] = [parseVersion(from), parseVersion(to)];
  if (!f || !t) return undefined;
  const order = compareVersions(to, from);
  if (order === 0) {
    return {
      rule: 'sameVersion',
      message: `Cluster '${cluster.name}' already runs ${to}`,
    };
  }
  if (order < 0) {
    return {
      rule: 'downgrade',
      message: `downgrading from ${from} to ${to} is not supported`,
    };
  }
  if (t[0] !== f[0]) {
    return {
      rule: 'majorVersion',
      message: `upgrading across major versions (${from} to ${to}) is not supported`,
    };
  }
  if (t[1] - f[1] > 1) {
    return {
      rule: 'skipsMinor',
      message: `upgrading from ${from} to ${to} skips a minor version; upgrade to v${
        f[0]
      }.${
        f[1] + 1
      } first (the control plane moves one minor version at a time)`,
    };
  }
  for (const pool of cluster.nodePools) {
    const p = pool.version ? parseVersion(pool.version) : undefined;
    if (p && t[1] - p[1] > MAX_KUBELET_SKEW) {
      return {
        rule: 'kubeletSkew',
        message: `node pool '${pool.name}' runs ${pool.version}; ${to} would put its kubelets more than ${MAX_KUBELET_SKEW} minor versions behind the API server`,
      };
    }
  }
  return undefined;
}
