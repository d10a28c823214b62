import {
  ClusterStatus,
  compareVersions,
  upgradeRefusal,
} from '@hostplane/plugin-hostplane-common';

/** The version Hostplane last applied to the control plane (what an upgrade starts from). */
export function currentVersion(cluster: ClusterStatus): string | undefined {
  return cluster.spec?.version ?? cluster.version;
}

/** Why the server would refuse upgrading the cluster to `target`, in its words. */
export function upgradeProblem(
  cluster: ClusterStatus,
  target: string,
): string | undefined {
  const from = currentVersion(cluster);
  return from ? upgradeRefusal(cluster, from, target)?.message : undefined;
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
