import { METRIC_LABELS } from '@hostplane/plugin-hostplane-common';

/** Where one real tenant's control-plane components serve their metrics, and whose it is. */
export interface ScrapedTenant {
  /** The hub as the portal names it (`hostplane.hubs[].name`). */
  hub: string;
  /** The cluster's name, as the API names it under its hub. */
  cluster: string;
  /** The owner's entity ref. */
  owner: string;
  kubeApiserver: {
    /** `host:port` of its HTTPS endpoint. */
    address: string;
    /** The tenant's root CA, which signs the API server's serving certificate. */
    caFile: string;
    /** The tenant's admin client certificate and key: /metrics needs an authorized client. */
    certFile: string;
    keyFile: string;
  };
  /** `host:port` of each etcd member's client endpoint (plain HTTP on loopback here). */
  etcd: string[];
  /** `host:port` of the controller-manager's secure endpoint. */
  kubeControllerManager: string;
  /** `host:port` of the scheduler's secure endpoint. */
  kubeScheduler: string;
}

type ScrapeJob = Record<string, unknown>;

/** The promscrape configuration (vmagent's, Prometheus' format) that scrapes these tenants. */
export function renderScrapeConfig(
  tenants: ScrapedTenant[],
  options: { scrapeIntervalSeconds: number },
): { global: Record<string, string>; scrape_configs: ScrapeJob[] } {
  const sorted = [...tenants].sort((a, b) =>
    `${a.hub}/${a.cluster}`.localeCompare(`${b.hub}/${b.cluster}`),
  );
  return {
    global: {
      scrape_interval: `${options.scrapeIntervalSeconds}s`,
      scrape_timeout: `${Math.max(1, options.scrapeIntervalSeconds - 1)}s`,
    },
    scrape_configs: sorted.flatMap(tenantJobs),
  };
}

/**
 * One job per component of the tenant. The tenant's labels are the targets' labels, so every
 * series scraped from them carries them, and the scraped series cannot override them (no
 * `honor_labels`).
 */
function tenantJobs(tenant: ScrapedTenant): ScrapeJob[] {
  const labels = (component: string) => ({
    job: component,
    [METRIC_LABELS.hub]: tenant.hub,
    [METRIC_LABELS.cluster]: tenant.cluster,
    [METRIC_LABELS.owner]: tenant.owner,
  });
  const job = (component: string, rest: ScrapeJob, targets: string[]) => ({
    job_name: `${tenant.hub}/${tenant.cluster}/${component}`,
    ...rest,
    static_configs: [{ targets, labels: labels(component) }],
  });
  // The managers serve /metrics without authorization (kwokctl allows the path) over a
  // certificate each one makes for itself at start: nothing signed it to verify against.
  const selfSigned = {
    scheme: 'https',
    tls_config: { insecure_skip_verify: true },
  };
  return [
    job(
      'kube-apiserver',
      {
        scheme: 'https',
        tls_config: {
          ca_file: tenant.kubeApiserver.caFile,
          cert_file: tenant.kubeApiserver.certFile,
          key_file: tenant.kubeApiserver.keyFile,
        },
      },
      [tenant.kubeApiserver.address],
    ),
    job('etcd', { scheme: 'http' }, tenant.etcd),
    job('kube-controller-manager', selfSigned, [tenant.kubeControllerManager]),
    job('kube-scheduler', selfSigned, [tenant.kubeScheduler]),
  ];
}
