import fs from 'node:fs';
import path from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  V1Pod,
  makeInformer,
} from '@kubernetes/client-node';
import {
  NODE_POOL_LABEL,
  OWNER_LABEL,
  OWNER_REF_ANNOTATION,
} from '@hostplane/plugin-hostplane-common';
import { stringify } from 'yaml';
import { controlPlaneNamespace } from '../controlplane';
import { cacheDir, hubBinaries } from '../paths';
import { STANDIN_LABEL } from '../stages';
import { REAL } from '../standin/StandinOperator';
import {
  HYPERSHIFT_NODE_POOL_LABEL,
  TenantProcesses,
} from '../TenantProcesses';
import {
  ScrapedMachine,
  ScrapedTenant,
  renderScrapeConfig,
} from './scrapeConfig';

const GROUP = 'hypershift.openshift.io';
const VERSION = 'v1beta1';
/** KubeVirt's label on the pod that runs a VM. */
const VIRT_LAUNCHER_SELECTOR = 'kubevirt.io=virt-launcher';

export interface ScrapeTargetReconcilerOptions {
  hubKubeConfig: KubeConfig;
  /** The hub as the portal names it. */
  hubName: string;
  /** Where the stand-in keeps its tenants' processes. */
  tenantsWorkdir?: string;
  /** The promscrape file vmagent reads (and re-reads when it changes). */
  configPath: string;
  scrapeIntervalSeconds: number;
  /**
   * `host:port` of the hub's KWOK controller, when it simulates resource usage: the tenants'
   * machines are then scraped there too.
   */
  hubKwokController?: string;
  /** How often the tenants' folders are looked at again: a tenant's processes start after its HostedCluster is marked. */
  resyncMs?: number;
  log?: (message: string) => void;
}

/**
 * Keeps vmagent's scrape configuration in step with the hub: one set of jobs per HostedCluster
 * the stand-in runs real processes for (its label), found from a watch on those HostedClusters
 * and the tenant's folder (its ports and PKI). A new tenant is in the file once its processes
 * exist; a deleted one leaves it at the next event or resync. When the hub simulates resource
 * usage, each tenant's machines (its virt-launcher pods, watched too) are scraped on the hub nodes
 * they run on, so scaling a pool changes the targets as its pods come and go.
 */
export class ScrapeTargetReconciler {
  private readonly informer;
  /** The virt-launcher pods in the hub: the tenants' machines and the hub nodes they run on. */
  private readonly machines?;
  /** The NodePools, which name each pool as the portal does. */
  private readonly pools?;
  private timer?: NodeJS.Timeout;
  private written?: string;
  private stopped = false;

  constructor(private readonly options: ScrapeTargetReconcilerOptions) {
    const custom = options.hubKubeConfig.makeApiClient(CustomObjectsApi);
    const selector = `${STANDIN_LABEL}=${REAL}`;
    this.informer = makeInformer<KubernetesObject>(
      options.hubKubeConfig,
      `/apis/${GROUP}/${VERSION}/hostedclusters`,
      () =>
        custom.listCustomObjectForAllNamespaces({
          group: GROUP,
          version: VERSION,
          plural: 'hostedclusters',
          labelSelector: selector,
        }) as any,
      selector,
    );
    if (options.hubKwokController) {
      const core = options.hubKubeConfig.makeApiClient(CoreV1Api);
      this.machines = makeInformer<V1Pod>(
        options.hubKubeConfig,
        '/api/v1/pods',
        () =>
          core.listPodForAllNamespaces({
            labelSelector: VIRT_LAUNCHER_SELECTOR,
          }) as any,
        VIRT_LAUNCHER_SELECTOR,
      );
      this.pools = makeInformer<KubernetesObject>(
        options.hubKubeConfig,
        `/apis/${GROUP}/${VERSION}/nodepools`,
        () =>
          custom.listCustomObjectForAllNamespaces({
            group: GROUP,
            version: VERSION,
            plural: 'nodepools',
          }) as any,
      );
    }
  }

  private get log() {
    return this.options.log ?? (() => {});
  }

  async start(): Promise<void> {
    this.reconcile();
    const reconcile = () => this.reconcile();
    const watches = [
      { informer: this.informer, what: 'HostedCluster' },
      ...(this.machines
        ? [{ informer: this.machines, what: 'virt-launcher pod' }]
        : []),
      ...(this.pools ? [{ informer: this.pools, what: 'NodePool' }] : []),
    ];
    for (const { informer, what } of watches) {
      informer.on('add', reconcile);
      informer.on('update', reconcile);
      informer.on('delete', reconcile);
      informer.on('error', error => {
        if (this.stopped) return;
        this.log(`monitoring: ${what} watch failed, restarting: ${error}`);
        setTimeout(() => {
          if (!this.stopped) {
            informer
              .start()
              .catch(e => this.log(`monitoring: watch restart failed: ${e}`));
          }
        }, 1_000);
      });
      await informer.start();
    }
    this.reconcile();
    this.timer = setInterval(
      () => this.reconcile(),
      this.options.resyncMs ?? 5_000,
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.informer.stop();
    await this.machines?.stop();
    await this.pools?.stop();
  }

  /** The tenants scraped now, from the watched HostedClusters and their folders. */
  tenants(): ScrapedTenant[] {
    const workdir =
      this.options.tenantsWorkdir ?? path.join(cacheDir(), 'tenants');
    const binaries = hubBinaries();
    const found: ScrapedTenant[] = [];
    for (const hc of this.informer.list()) {
      const { namespace, name, labels, annotations, deletionTimestamp } =
        hc.metadata!;
      if (deletionTimestamp) continue;
      const tenant = new TenantProcesses(
        `${namespace}-${name}`,
        workdir,
        binaries,
        () => {},
      );
      const scraped = readTenant(tenant, {
        hub: this.options.hubName,
        cluster: name!,
        owner:
          annotations?.[OWNER_REF_ANNOTATION] ??
          (labels?.[OWNER_LABEL] ? `group:default/${labels[OWNER_LABEL]}` : ''),
      });
      if (scraped) {
        found.push(
          this.options.hubKwokController
            ? {
                ...scraped,
                machines: {
                  kwokController: this.options.hubKwokController,
                  namespace: controlPlaneNamespace(namespace!, name!),
                  list: this.machinesIn(
                    namespace!,
                    controlPlaneNamespace(namespace!, name!),
                  ),
                },
              }
            : scraped,
        );
      }
    }
    return found;
  }

  /** The machines of one tenant, from its control-plane namespace's virt-launcher pods. */
  private machinesIn(
    clusterNamespace: string,
    namespace: string,
  ): ScrapedMachine[] {
    return machinesOf(this.machines?.list(namespace) ?? [], nodePool =>
      this.pools?.get(nodePool, clusterNamespace),
    );
  }

  private reconcile(): void {
    if (this.stopped) return;
    try {
      const text = stringify(
        renderScrapeConfig(this.tenants(), {
          scrapeIntervalSeconds: this.options.scrapeIntervalSeconds,
        }),
      );
      if (text === this.written) return;
      // Written whole and renamed: vmagent never reads half a file.
      const partial = `${this.options.configPath}.partial`;
      fs.writeFileSync(partial, text);
      fs.renameSync(partial, this.options.configPath);
      this.written = text;
    } catch (error) {
      this.log(
        `monitoring: scrape targets not written: ${(error as Error).message}`,
      );
    }
  }
}

/** A tenant's endpoints from its folder; none while its processes were never created. */
function readTenant(
  tenant: TenantProcesses,
  owner: { hub: string; cluster: string; owner: string },
): ScrapedTenant | undefined {
  if (!tenant.exists() || !fs.existsSync(tenant.kubeconfigPath)) {
    return undefined;
  }
  const pki = path.join(tenant.clusterDir, 'pki');
  const managers = tenant.managerPorts();
  return {
    ...owner,
    kubeApiserver: {
      address: new URL(tenant.server).host,
      caFile: path.join(pki, 'ca.crt'),
      certFile: path.join(pki, 'admin.crt'),
      keyFile: path.join(pki, 'admin.key'),
    },
    etcd: tenant.etcdMembers().map(m => `127.0.0.1:${m.clientPort}`),
    kubeControllerManager: `127.0.0.1:${managers.kubeControllerManager}`,
    kubeScheduler: `127.0.0.1:${managers.kubeScheduler}`,
  };
}

/**
 * The machines these virt-launcher pods run, those on a hub node: each named after its VM (the
 * tenant node) with its pool as the portal names it, from its NodePool's label (HyperShift's own
 * label names the NodePool object, `<cluster>-<pool>`).
 */
export function machinesOf(
  pods: readonly V1Pod[],
  nodePool: (name: string) => KubernetesObject | undefined,
): ScrapedMachine[] {
  return pods.flatMap(pod => {
    const poolObject = pod.metadata?.labels?.[HYPERSHIFT_NODE_POOL_LABEL];
    const pool = poolObject
      ? nodePool(poolObject)?.metadata?.labels?.[NODE_POOL_LABEL] ?? poolObject
      : undefined;
    const vm = pod.metadata?.labels?.['kubevirt.io/vm'];
    const hubNode = pod.spec?.nodeName;
    return pool && vm && hubNode && !pod.metadata?.deletionTimestamp
      ? [{ name: vm, pool, hubNode }]
      : [];
  });
}
