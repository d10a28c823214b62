import path from 'node:path';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { applyObjects } from '@hostplane/plugin-hostplane-node';
import { ensureHubBinaries } from './binaries';
import { installCrds, readCrds, waitForOpenApiGroupVersions } from './crds';
import { KwokctlCluster } from './KwokctlCluster';
import { resourceUsageObjects } from './monitoring/nodeResourceUsage';
import { cacheDir, upstreamCrdFiles } from './paths';
import {
  FAKE_NODE_ANNOTATION,
  FAST_TIMINGS,
  STAGE_LABEL,
  StageTimings,
  renderStages,
} from './stages';

/** The field manager of everything the local hub itself writes (CRDs, Stages, fixtures). */
export const LOCAL_HUB_FIELD_MANAGER = 'hostplane-local-hub';

/** The KWOK resources that wire pods to local processes (real tenants) are enabled up front. */
const KWOK_CRDS = [
  'Stage',
  'Exec',
  'ClusterExec',
  'Logs',
  'ClusterLogs',
  'PortForward',
  'ClusterPortForward',
  // Simulated resource usage of the hub's pods (see monitoring/nodeResourceUsage.ts).
  'Metric',
  'ClusterResourceUsage',
];

/** The hub's own (KWOK) nodes, where control-plane and virt-launcher pods are scheduled. */
export const HUB_NODE_COUNT = 3;

function hubNodes() {
  return Array.from({ length: HUB_NODE_COUNT }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `hub-node-${i}`,
      labels: {
        'kubernetes.io/hostname': `hub-node-${i}`,
        'node-role.kubernetes.io/worker': '',
      },
      annotations: { [FAKE_NODE_ANNOTATION]: 'fake' },
    },
    status: { capacity: { cpu: '64', memory: '256Gi', pods: '1000' } },
  }));
}

export interface LocalHubOptions {
  /** The cluster name; two hubs with different names (or workdirs) run side by side. */
  name?: string;
  /** Where the hub keeps its PKI, etcd data, logs and pid files. */
  workdir?: string;
  /** How long simulated transitions take. */
  timings?: StageTimings;
  /** Start from nothing even if a hub of this name exists (tests); otherwise it is restarted. */
  fresh?: boolean;
  log?: (message: string) => void;
}

/**
 * A real hub cluster on this machine (see {@link KwokctlCluster}), with aggregator routing on,
 * the upstream HyperShift, KubeVirt and Kamaji CRDs Established and the local hub's KWOK Stages
 * applied before `start` returns.
 */
export class LocalHub extends KwokctlCluster {
  /** Finds (or builds) the binaries and addresses the hub by name, without starting anything. */
  static async open(options: LocalHubOptions = {}): Promise<LocalHub> {
    return new LocalHub(
      options.name ?? 'hub',
      options.workdir ?? path.join(cacheDir(), 'hubs'),
      await ensureHubBinaries(),
      options.log ?? (() => {}),
    );
  }

  /** Creates the hub (or restarts the one with this name) and returns once it is ready. */
  static async start(options: LocalHubOptions = {}): Promise<LocalHub> {
    const hub = await LocalHub.open(options);
    if (options.fresh && hub.exists()) {
      await hub.delete();
    }
    try {
      await hub.boot(options.timings ?? FAST_TIMINGS);
    } catch (error) {
      // A hub that did not come up must not leave its processes running.
      await hub.stop().catch(() => {});
      throw error;
    }
    return hub;
  }

  private async boot(timings: StageTimings): Promise<void> {
    const started = Date.now();
    await this.up({
      enableCRDs: KWOK_CRDS,
      apiserverArgs: { 'enable-aggregator-routing': 'true' },
    });
    await installCrds(
      this.kubeConfig(),
      readCrds(upstreamCrdFiles()),
      LOCAL_HUB_FIELD_MANAGER,
    );
    await this.applyStages(timings);
    await applyObjects(this.kubeConfig(), hubNodes(), LOCAL_HUB_FIELD_MANAGER);
    if (this.enabledKwokCrds().includes('Metric')) {
      await applyObjects(
        this.kubeConfig(),
        resourceUsageObjects(),
        LOCAL_HUB_FIELD_MANAGER,
      );
    } else {
      this.log(
        `hub ${this.name} was created before KWOK simulated resource usage: its node pools report none until it is made anew (--fresh)`,
      );
    }
    this.log(
      `hub ${this.name} ready in ${Date.now() - started} ms; kubeconfig: ${
        this.kubeconfigPath
      }`,
    );
  }

  /**
   * Replaces the running Stages with ones rendered for these timings; Stages from an earlier
   * rendering that no longer exist are removed.
   */
  async applyStages(timings: StageTimings): Promise<void> {
    const kubeConfig = this.kubeConfig();
    // A hub restarted with 10,000 clusters was seen needing more than two minutes to publish
    // OpenAPI v3 (its /openapi/v3 timing out meanwhile) on two busy cores.
    await waitForOpenApiGroupVersions(
      kubeConfig,
      ['kwok.x-k8s.io/v1alpha1'],
      300_000,
    );
    const stages = renderStages(timings);
    await applyObjects(kubeConfig, stages, LOCAL_HUB_FIELD_MANAGER);
    const client = KubernetesObjectApi.makeApiClient(kubeConfig);
    const existing = await client.list(
      'kwok.x-k8s.io/v1alpha1',
      'Stage',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      STAGE_LABEL,
    );
    const wanted = new Set(stages.map(s => s.metadata.name));
    for (const item of existing.items) {
      if (!wanted.has(item.metadata!.name!)) {
        await client.delete(item);
      }
    }
  }
}
