export interface Config {
  hostplane?: {
    permissions?: {
      /**
       * How long a user's permission decision is reused, in seconds (5 by default): a page view
       * then costs no permission round trip; a policy change takes this long to apply. A decision
       * past half this age is renewed beside the request that finds it, which does not wait.
       */
      decisionCacheSeconds?: number;
    };
    operations?: {
      /** How long a step of an operation waits for the hub to converge before failing (30 min). */
      waitTimeoutSeconds?: number;
      /**
       * How long an instance's claim on a running operation lasts without renewal, in seconds
       * (30 by default). When an instance dies, another takes its operations over after this.
       */
      leaseSeconds?: number;
      /**
       * The name this backend instance claims operations under; the host's name by default,
       * which suits one pod per instance (a restarted container resumes its operations at once).
       * Instances must not share it.
       */
      instanceId?: string;
    };
    /**
     * The hub clusters that host tenant control planes. When absent, one hub named `local` is
     * used: the local hub that `yarn hub` (packages/local-hub) starts, whose kubeconfig is at
     * `$HOSTPLANE_CACHE/hubs/clusters/hub/kubeconfig.yaml` (`~/.cache/hostplane` by default).
     */
    hubs?: Array<{
      /** A short name, unique among hubs (DNS-1123 label). */
      name: string;
      /**
       * Path to a kubeconfig file for this hub. Leave out, with `inCluster: true`, to use the
       * service account of the pod the backend runs in.
       */
      kubeconfig?: string;
      /** The kubeconfig context to use; its current context when absent. */
      context?: string;
      /** Use the in-cluster service account instead of a kubeconfig file. */
      inCluster?: boolean;
      /** The hosted-control-plane provider of this hub; `hypershift-kubevirt` by default. */
      provider?: string;
      /**
       * The Kubernetes releases this hub offers for new clusters and upgrades. The local hub's
       * (v1.35.6, v1.36.4, v1.37.2) when absent.
       */
      releases?: Array<{
        /** Such as `v1.37.2`. */
        version: string;
        /** The release image the hosted control plane runs for this version. */
        image: string;
      }>;
    }>;
  };
}
