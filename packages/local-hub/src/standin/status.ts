import { probedHostedClusterConditions } from '../upstream/hypershiftConditions';

/** The release version HyperShift reports: the image tag without its arch suffix. */
export function releaseVersion(image: string): string {
  return (image.split(':').pop() ?? image).replace(/-(x86_64|multi)$/, '');
}

export interface ProbedControlPlane {
  releaseImage: string;
  generation: number;
  health: { etcd: boolean; kubeAPIServer: boolean };
  endpoint: { host: string; port: number };
  kubeconfigSecret: string;
  /** When the control plane of this release first became available; absent until then. */
  completedAt?: string;
  startedAt: string;
}

/** The status HyperShift writes for a control plane it runs and has just probed. */
export function hostedClusterStatus(probe: ProbedControlPlane, now: string) {
  const version = releaseVersion(probe.releaseImage);
  const healthy = probe.health.etcd && probe.health.kubeAPIServer;
  const completionTime = probe.completedAt ?? (healthy ? now : null);
  return {
    conditions: probedHostedClusterConditions(probe.health).map(c => ({
      ...c,
      lastTransitionTime: now,
      observedGeneration: probe.generation,
    })),
    controlPlaneEndpoint: probe.endpoint,
    kubeconfig: { name: probe.kubeconfigSecret },
    version: {
      desired: { image: probe.releaseImage, version },
      observedGeneration: probe.generation,
      availableUpdates: null,
      history: [
        {
          state: completionTime ? 'Completed' : 'Partial',
          version,
          image: probe.releaseImage,
          startedTime: probe.startedAt,
          completionTime,
          verified: false,
        },
      ],
    },
  };
}
