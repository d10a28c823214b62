import { ClusterStatus } from '@hostplane/plugin-hostplane-common';

/**
 * How far kubelets may lag the API server, in minor versions (Kubernetes' version skew policy).
 * The server refuses upgrades beyond it (hostplane-backend `operations/plan.ts`).
 */
export const MAX_KUBELET_SKEW = 3;

type Version = [major: number, minor: number, patch: number];

export function parseVersion(version: string): Version | undefined {
  const match = /^v(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return match
    ? [Number(match[1]), Number(match[2]), Number(match[3])]
    : undefined;
}

/** Negative when a is older than b, positive when newer; versions that do not parse sort first. */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [parseVersion(a), parseVersion(b)];
  if (!pa || !pb) return (pa ? 1 : 0) - (pb ? 1 : 0);
  return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
}

/** The version Hostplane last applied to the control plane (what an upgrade starts from). */
export function currentVersion(cluster: ClusterStatus): string | undefined {
  return cluster.spec?.version ?? cluster.version;
}

/**
 * Why the server would refuse upgrading the cluster to `target`, by the rules it applies: no
 * downgrades, no major version change, one minor version at a time, kubelets at most
 * MAX_KUBELET_SKEW minor versions behind.
 */
export function upgradeProblem(
  cluster: ClusterStatus,
  target: string,
): string | undefined {
  const from = currentVersion(cluster);
  const [f, t] = [from && parseVersion(from), parseVersion(target)];
  if (!from || !f || !t) return undefined;
  const order = compareVersions(target, from);
  if (order === 0) return `${cluster.name} already runs ${target}`;
  if (order < 0) {
    return `downgrading from ${from} to ${target} is not supported`;
  }
  if (t[0] !== f[0]) {
    return `upgrading across major versions (${from} to ${target}) is not supported`;
  }
  if (t[1] - f[1] > 1) {
    return `upgrading from ${from} to ${target} skips a minor version; upgrade to v${
      f[0]
    }.${f[1] + 1} first (the control plane moves one minor version at a time)`;
  }
  for (const pool of cluster.nodePools) {
    const p = pool.version && parseVersion(pool.version);
    if (p && t[1] - p[1] > MAX_KUBELET_SKEW) {
      return `node pool '${pool.name}' runs ${pool.version}; ${target} would put its kubelets more than ${MAX_KUBELET_SKEW} minor versions behind the API server`;
    }
  }
  return undefined;
}

/** Node pools whose kubelets run an older version than the control plane. */
export function poolSkewWarnings(cluster: ClusterStatus): string[] {
  const controlPlane = cluster.version;
  if (!controlPlane) return [];
  return cluster.nodePools
    .filter(
      pool => pool.version && compareVersions(pool.version, controlPlane) < 0,
    )
    .map(
      pool =>
        `Node pool '${pool.name}' runs ${pool.version}, older than the control plane (${controlPlane}).`,
    );
}
