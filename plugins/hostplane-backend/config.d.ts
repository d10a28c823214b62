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
      /**
       * How long a step of an operation waits for the hub to converge before failing, in seconds
       * (1800, half an hour, by default).
       */
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
  };
}
