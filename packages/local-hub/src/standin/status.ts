import { probedHostedClusterConditions } from '../upstream/hypershiftConditions';

/** The release version HyperShift reports: the image tag without its arch suffix. */
export function releaseVersion(image: string): string {
  return (image.split(':').pop() ?? image).replace(/-(x86_64|multi)$/, '');
}

/** One entry of `status.version.history`, as in OpenShift's ClusterVersion. */
export interface VersionHistoryEntry {
  state: 'Partial' | 'Completed';
  version: string;
  image: string;
  startedTime: string;
  completionTime: string | null;
  verified: boolean;
}

export interface ProbedControlPlane {
  releaseImage: string;
  generation: number;
  health: {
    etcd: boolean;
    kubeAPIServer: boolean;
    etcdUnavailableMembers?: number;
  };
  endpoint: { host: string; port: number };
  kubeconfigSecret: string;
  /** When the control plane of this release first became available; absent until then. */
  completedAt?: string;
  startedAt: string;
  /**
   * Whether every control-plane workload runs this release's pod template on all its replicas;
   * a release is not Completed before. Taken as true when absent.
   */
  rolledOut?: boolean;
  /** The entries of earlier releases, newest first; they stay below this release's entry. */
  previousHistory?: VersionHistoryEntry[];
}

/** The status HyperShift writes for a control plane it runs and has just probed. */
export function hostedClusterStatus(probe: ProbedControlPlane, now: string) {
  const version = releaseVersion(probe.releaseImage);
  const healthy = probe.health.etcd && probe.health.kubeAPIServer;
  const rolledOut = probe.rolledOut ?? true;
  const completionTime =
    probe.completedAt ?? (healthy && rolledOut ? now : null);
  const current: VersionHistoryEntry = {
    state: completionTime ? 'Completed' : 'Partial',
    version,
    image: probe.releaseImage,
    startedTime: probe.startedAt,
    completionTime,
    verified: false,
  };
  return {
    conditions: probedHostedClusterConditions(probe.health, !rolledOut).map(
      c => ({
        ...c,
        lastTransitionTime: now,
        observedGeneration: probe.generation,
      }),
    ),
    controlPlaneEndpoint: probe.endpoint,
    kubeconfig: { name: probe.kubeconfigSecret },
    version: {
      desired: { image: probe.releaseImage, version },
      observedGeneration: probe.generation,
      availableUpdates: null,
      history: [current, ...(probe.previousHistory ?? [])],
    },
  };
}
