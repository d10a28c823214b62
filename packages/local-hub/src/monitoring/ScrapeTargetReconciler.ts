import fs from 'node:fs';
import path from 'node:path';
import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';
import {
  OWNER_LABEL,
  OWNER_REF_ANNOTATION,
} from '@hostplane/plugin-hostplane-common';
import { stringify } from 'yaml';
import { cacheDir, hubBinaries } from '../paths';
import { STANDIN_LABEL } from '../stages';
import { REAL } from '../standin/StandinOperator';
import { TenantProcesses } from '../TenantProcesses';
import { ScrapedTenant, renderScrapeConfig } from './scrapeConfig';

const GROUP = 'hypershift.openshift.io';
const VERSION = 'v1beta1';

export interface ScrapeTargetReconcilerOptions {
  hubKubeConfig: KubeConfig;
  /** The hub as the portal names it. */
  hubName: string;
  /** Where the stand-in keeps its tenants' processes. */
  tenantsWorkdir?: string;
  /** The promscrape file vmagent reads (and re-reads when it changes). */
  configPath: string;
  scrapeIntervalSeconds: number;
  /** How often the tenants' folders are looked at again: a tenant's processes start after its HostedCluster is marked. */
  resyncMs?: number;
  log?: (message: string) => void;
}

/**
 * Keeps vmagent's scrape configuration in step with the hub: one set of jobs per HostedCluster
 * the stand-in runs real processes for (its label), found from a watch on those HostedClusters
 * and the tenant's folder (its ports and PKI). A new tenant is in the file once its processes
 * exist; a deleted one leaves it at the next event or resync.
 */
export class ScrapeTargetReconciler {
  private readonly informer;
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
  }

  private get log() {
    return this.options.log ?? (() => {});
  }

  async start(): Promise<void> {
    this.reconcile();
    const reconcile = () => this.reconcile();
    this.informer.on('add', reconcile);
    this.informer.on('update', reconcile);
    this.informer.on('delete', reconcile);
    this.informer.on('error', error => {
      if (this.stopped) return;
      this.log(`monitoring: HostedCluster watch failed, restarting: ${error}`);
      setTimeout(() => {
        if (!this.stopped) {
          this.informer
            .start()
            .catch(e => this.log(`monitoring: watch restart failed: ${e}`));
        }
      }, 1_000);
    });
    await this.informer.start();
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
      if (scraped) found.push(scraped);
    }
    return found;
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
