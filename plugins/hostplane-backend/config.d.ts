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
    backups?: {
      /** The URLs a hub fetches a backup's snapshot from to restore it (`restoreSnapshotURL`). */
      restoreUrls?: {
        /** How long a URL serves its snapshot, in minutes (15 by default). */
        expiryMinutes?: number;
        /**
         * The key URLs are signed with (at least 32 characters); without it, one is generated and
         * shared through the database.
         * @visibility secret
         */
        signingKey?: string;
        /** The plugin's base URL as hubs reach it; the backend's external URL by default. */
        baseUrl?: string;
      };
      /**
       * How long a deleted cluster's backups are kept, in days, counted from when the backend
       * finds the cluster gone (30 by default); then they are removed.
       */
      deletedClusterGraceDays?: number;
      /**
       * How soon a scheduled backup whose cluster was busy with another operation is tried
       * again, in seconds (30 by default). It is tried until it runs or the next slot comes.
       */
      busyRetrySeconds?: number;
    };
    etcd?: {
      /** Automatic defragmentation of clusters' etcd members (HyperShift's rule by default). */
      defragmentation?: {
        /** Off with `false`; on by default. */
        enabled?: boolean;
        /** (dbSize - dbSizeInUse) / dbSize from which a member is defragmented (0.45). */
        fragmentationThreshold?: number;
        /** The database size from which a member is defragmented, in bytes (100 MiB). */
        minDbSizeBytes?: number;
        /** How often every cluster's members are checked, in seconds (600). */
        intervalSeconds?: number;
        /** Clusters checked, and defragmentations running, at once per backend instance (2). */
        maxConcurrent?: number;
      };
    };
    /** Threat detection over tenants' audit events (on by default). */
    threats?: {
      enabled?: boolean;
      /**
       * The key each cluster's audit webhook token is derived from (at least 32 characters);
       * without it, one is generated and shared through the database.
       * @visibility secret
       */
      webhookKey?: string;
      /**
       * The plugin's base URL as tenants' API servers reach it (`https://portal/api/hostplane`);
       * Backstage's external URL of the plugin by default.
       */
      webhookBaseUrl?: string;
      /** How long a new cluster's baseline learns before anything counts as first-ever (24). */
      learningHours?: number;
      /** Image registries that do not count as unknown (`registry.k8s.io`, `docker.io/library`). */
      trustedRegistries?: string[];
      /** The likelihood from which a new alert notifies the cluster's owner (0.55). */
      notifyFromLikelihood?: number;
      /** How clusters without a policy of their own answer threat alerts. */
      response?: {
        /**
         * `off` only alerts, `suggest` offers actions in the report (the default), `auto` also
         * carries out a rule's response on its own from `autoThreshold` on.
         */
        mode?: 'off' | 'suggest' | 'auto';
        /** The likelihood from which `auto` acts (0.8). */
        autoThreshold?: number;
      };
      /**
       * Changes to the repo's rules (`threat-rules/*.yaml`): `add` and `replace` take whole
       * rules, `disable` rule ids, `exceptions` `{ ruleId, cluster?, condition?, reason,
       * createdBy }`.
       */
      rules?: {
        add?: object[];
        replace?: object[];
        disable?: string[];
        exceptions?: object[];
      };
    };
  };
}
