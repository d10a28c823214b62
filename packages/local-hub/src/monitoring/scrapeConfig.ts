import { METRIC_LABELS } from '@hostplane/plugin-hostplane-common';
import { nodeResourceMetricsPath } from './nodeResourceUsage';

/**
 * The labels the node pool series carry besides the tenant's: the tenant node (its machine's
 * name) and its NodePool.
 */
export const NODE_LABELS = { node: 'node', pool: 'node_pool' } as const;

/** One of a tenant's machines: a VM in the hub (its virt-launcher pod), a node of the tenant. */
export interface ScrapedMachine {
  /** The VM's name, which is also the tenant node's. */
  name: string;
  /** The NodePool it belongs to, from the VM's label. */
  pool: string;
  /** The hub node its virt-launcher pod runs on. */
  hubNode: string;
}

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
  /**
   * Its machines and where the hub reports their resource usage; absent when the hub does not
   * simulate any.
   */
  machines?: {
    /** `host:port` of the hub's KWOK controller (plain HTTP on loopback). */
    kwokController: string;
    /** The control-plane namespace in the hub the machines are in. */
    namespace: string;
    list: ScrapedMachine[];
  };
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
    ...nodeResourceJobs(tenant, labels('node-resources')),
  ];
}

/** A relabelling regex that matches exactly this text (relabel regexes are anchored). */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The tenant's machines' resource usage, as the hub's KWOK reports it per hub node. Every hub
 * node that runs one of its machines is scraped, and only the series of its machines are kept:
 * each is named after the tenant node and labelled with its NodePool (from the VM's label), and
 * the hub's own names (namespace, pod) are dropped. The hub node is the target's `instance`.
 */
function nodeResourceJobs(
  tenant: ScrapedTenant,
  labels: Record<string, string>,
): ScrapeJob[] {
  const machines = tenant.machines;
  if (!machines || machines.list.length === 0) return [];
  const hubNodes = [...new Set(machines.list.map(m => m.hubNode))].sort();
  const sorted = [...machines.list].sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  return [
    {
      job_name: `${tenant.hub}/${tenant.cluster}/node-resources`,
      scheme: 'http',
      static_configs: hubNodes.map(hubNode => ({
        targets: [machines.kwokController],
        labels: {
          ...labels,
          instance: hubNode,
          __metrics_path__: nodeResourceMetricsPath(hubNode),
        },
      })),
      metric_relabel_configs: [
        {
          source_labels: ['namespace'],
          regex: literal(machines.namespace),
          action: 'keep',
        },
        ...sorted.flatMap(machine => [
          {
            source_labels: ['pod'],
            regex: literal(`virt-launcher-${machine.name}`),
            target_label: NODE_LABELS.node,
            replacement: machine.name,
          },
          {
            source_labels: ['pod'],
            regex: literal(`virt-launcher-${machine.name}`),
            target_label: NODE_LABELS.pool,
            replacement: machine.pool,
          },
        ]),
        // The control plane's own pods in the namespace are no tenant node.
        { source_labels: [NODE_LABELS.pool], regex: '.+', action: 'keep' },
        { regex: 'namespace|pod', action: 'labeldrop' },
      ],
    },
  ];
}
