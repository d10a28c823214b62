export interface Config {
  hostplane?: {
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
       * The Kubernetes releases this hub offers for new clusters and upgrades; required, since
       * every hub has its own release images. (The implicit local hub, used when `hubs` is
       * absent, offers v1.35.6, v1.36.4 and v1.37.2.)
       */
      releases: Array<{
        /** Such as `v1.37.2`. */
        version: string;
        /** The release image the hosted control plane runs for this version. */
        image: string;
      }>;
      /**
       * Where this hub's control-plane logs are searched: a VictoriaLogs (`/select/logsql/*`)
       * whose collector stores each cluster's lines under the tenant `logTenantOf` gives
       * (`@hostplane/plugin-hostplane-common`) with the stream fields `hub`, `namespace`,
       * `cluster`, `component` and `pod`. Without it the Logs tab offers the live path only,
       * except for the implicit `local` hub (no `hostplane.hubs`), whose store is the
       * VictoriaLogs `yarn hub start` runs at http://127.0.0.1:9428.
       */
      logs?: {
        /** VictoriaLogs' base URL, such as `http://victoria-logs.logging:9428`. */
        url: string;
        /** The widest time range one search may cover, in hours; 168 (7 days) by default. */
        maxRangeHours?: number;
        /** The most lines one search returns; 5000 by default. */
        maxLines?: number;
        /** How long one search may run, in seconds; 20 by default. */
        queryTimeoutSeconds?: number;
        /** Searches one user may run per minute; 30 by default. */
        searchesPerMinute?: number;
      };
      /**
       * Where this hub's tenant control-plane metrics are (the Monitoring tab reads them through
       * the store's Prometheus HTTP API). Every series must carry `hostplane_hub`,
       * `hostplane_cluster` and `hostplane_owner` labels. Without it the hub has no metrics,
       * except the implicit `local` hub (no `hostplane.hubs`), whose store is the VictoriaMetrics
       * `yarn hub start` runs at http://127.0.0.1:8428.
       */
      monitoring?: {
        /**
         * `victoriametrics` (each query limited to one cluster by the store's `extra_filters[]`)
         * or `prometheus` (each query's selectors rewritten by Hostplane).
         */
        type: 'victoriametrics' | 'prometheus';
        /** The store's base URL, such as `http://vmselect.monitoring:8481/select/0/prometheus`. */
        url: string;
        /**
         * The Alertmanager that routes this hub's control-plane alerts to Hostplane's webhook
         * (`POST /api/hostplane/alerts/webhook/<hub>` with `Authorization: Bearer <webhookToken>`);
         * silences are made in it. The implicit `local` hub's is at http://127.0.0.1:9093.
         */
        alertmanager?: {
          url: string;
          /**
           * What the webhook's caller must present.
           * @visibility secret
           */
          webhookToken: string;
        };
      };
      /**
       * Where this hub's etcd backups are kept: exactly one of `directory` and `s3`. Objects are
       * encrypted with each cluster's key, which stays in the hub. Without it the hub has no
       * backup store, except the implicit `local` hub (no `hostplane.hubs`), whose backups go
       * to `$HOSTPLANE_CACHE/backups/local`.
       */
      backups?: {
        directory?: {
          /** An absolute path on the backend's filesystem. */
          path: string;
        };
        s3?: {
          bucket: string;
          /** Prepended to every object key; ends with `/`. */
          prefix?: string;
          /** `us-east-1` by default. */
          region?: string;
          /** For S3-compatible services: such as `https://minio.example.com:9000`. */
          endpoint?: string;
          /** Address buckets as `endpoint/bucket` rather than `bucket.endpoint` (most S3-compatible services). */
          forcePathStyle?: boolean;
          /**
           * Static credentials. Without them the AWS SDK's default chain applies: the
           * `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` environment variables, a profile, the
           * role of the instance or pod.
           */
          credentials?: {
            /** @visibility secret */
            accessKeyId: string;
            /** @visibility secret */
            secretAccessKey: string;
            /** @visibility secret */
            sessionToken?: string;
          };
        };
      };
    }>;
  };
}
