import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { ensureHubBinaries } from './binaries';
import { installCrds, readCrds, waitForOpenApiGroupVersions } from './crds';
import { applyObjects, getRaw, loadKubeConfigFromFile, waitFor } from '@hostplane/plugin-hostplane-node';
import { HubBinaries, cacheDir, upstreamCrdFiles, versions } from './paths';
import { FAST_TIMINGS, STAGE_LABEL, StageTimings, renderStages } from './stages';

const execFileAsync = promisify(execFile);

/** The field manager of everything the local hub itself writes (CRDs, Stages, fixtures). */
export const LOCAL_HUB_FIELD_MANAGER = 'hostplane-local-hub';

/** The KWOK resources that wire pods to local processes (issue: real tenants) are enabled up front. */
const KWOK_CRDS = [
  'Stage',
  'Exec',
  'ClusterExec',
  'Logs',
  'ClusterLogs',
  'PortForward',
  'ClusterPortForward',
];

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
 * A real hub cluster on this machine. kwokctl's binary runtime launches it from the locally built
 * binaries: etcd, kube-apiserver (own PKI, service-account keys, audit log, aggregator routing),
 * kube-controller-manager, kube-scheduler and the KWOK controller, on free loopback ports. The
 * upstream CRDs and the local hub's KWOK Stages are installed before `start` returns.
 */
export class LocalHub {
  private constructor(
    readonly name: string,
    readonly workdir: string,
    readonly kubeconfigPath: string,
    private readonly binaries: HubBinaries,
    private readonly log: (message: string) => void,
  ) {}

  /** Finds (or builds) the binaries and addresses the hub by name, without starting anything. */
  static async open(options: LocalHubOptions = {}): Promise<LocalHub> {
    const name = options.name ?? 'hub';
    const workdir = options.workdir ?? path.join(cacheDir(), 'hubs');
    return new LocalHub(
      name,
      workdir,
      path.join(workdir, 'clusters', name, 'kubeconfig.yaml'),
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
    if (this.exists()) {
      this.log(`restarting hub ${this.name}`);
      await this.kwokctl(['start', 'cluster', '--name', this.name, '--wait', '3m']);
    } else {
      this.log(`creating hub ${this.name} in ${this.workdir}`);
      await this.create();
    }
    await this.waitReady();
    this.log(`hub ${this.name} answers /readyz after ${Date.now() - started} ms; installing CRDs`);
    await installCrds(this.kubeConfig(), readCrds(upstreamCrdFiles()), LOCAL_HUB_FIELD_MANAGER);
    await this.applyStages(timings);
    this.log(`hub ${this.name} ready in ${Date.now() - started} ms; kubeconfig: ${this.kubeconfigPath}`);
  }

  /** The folder kwokctl keeps this cluster in. */
  get clusterDir(): string {
    return path.join(this.workdir, 'clusters', this.name);
  }

  get auditLogPath(): string {
    return path.join(this.clusterDir, 'logs', 'audit.log');
  }

  kubeConfig(): KubeConfig {
    return loadKubeConfigFromFile(this.kubeconfigPath);
  }

  get server(): string {
    return this.kubeConfig().getCurrentCluster()!.server;
  }

  /** The process ids of the hub's components, from kwokctl's pid files. */
  processIds(): number[] {
    const pidsDir = path.join(this.clusterDir, 'pids');
    if (!fs.existsSync(pidsDir)) {
      return [];
    }
    return fs
      .readdirSync(pidsDir)
      .map(file => Number(fs.readFileSync(path.join(pidsDir, file), 'utf8').trim()))
      .filter(pid => Number.isInteger(pid) && pid > 0);
  }

  /**
   * Replaces the running Stages with ones rendered for these timings; Stages from an earlier
   * rendering that no longer exist are removed.
   */
  async applyStages(timings: StageTimings): Promise<void> {
    const kubeConfig = this.kubeConfig();
    await waitForOpenApiGroupVersions(kubeConfig, ['kwok.x-k8s.io/v1alpha1']);
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

  /** Stops every process of the hub and removes its state; no process or port is left behind. */
  async delete(): Promise<void> {
    const pids = this.processIds();
    await this.kwokctl(['delete', 'cluster', '--name', this.name]);
    // kwokctl signals the processes but does not wait for them to exit.
    const deadline = Date.now() + 15_000;
    while (pids.some(isAlive) && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    for (const pid of pids.filter(isAlive)) {
      this.log(`hub process ${pid} outlived kwokctl delete; killing it`);
      process.kill(pid, 'SIGKILL');
    }
  }

  /** Stops the processes but keeps the state, for a later `start` with the same name. */
  async stop(): Promise<void> {
    await this.kwokctl(['stop', 'cluster', '--name', this.name]);
  }

  exists(): boolean {
    return fs.existsSync(path.join(this.clusterDir, 'kwok.yaml'));
  }

  private async create(): Promise<void> {
    fs.mkdirSync(this.workdir, { recursive: true });
    const configPath = path.join(this.workdir, `${this.name}.kwokctl.yaml`);
    const auditPolicyPath = path.join(this.workdir, `${this.name}.audit-policy.yaml`);
    fs.writeFileSync(
      auditPolicyPath,
      stringify({
        apiVersion: 'audit.k8s.io/v1',
        kind: 'Policy',
        omitStages: ['RequestReceived'],
        rules: [{ level: 'Metadata' }],
      }),
    );
    fs.writeFileSync(configPath, stringify(this.kwokctlConfiguration(auditPolicyPath)));
    await this.kwokctl([
      '--config',
      configPath,
      'create',
      'cluster',
      '--name',
      this.name,
      '--kubeconfig',
      path.join(this.workdir, `${this.name}.kubeconfig.yaml`),
      '--wait',
      '3m',
    ]);
  }

  private kwokctlConfiguration(auditPolicyPath: string) {
    const b = this.binaries;
    return {
      apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
      kind: 'KwokctlConfiguration',
      options: {
        runtime: 'binary',
        bindAddress: '127.0.0.1',
        kubeVersion: versions.kubernetes,
        etcdBinary: b.etcd,
        kubeApiserverBinary: b.kubeApiserver,
        kubeControllerManagerBinary: b.kubeControllerManager,
        kubeSchedulerBinary: b.kubeScheduler,
        kubectlBinary: b.kubectl,
        kwokControllerBinary: b.kwok,
        kubeAuditPolicy: auditPolicyPath,
        enableCRDs: KWOK_CRDS,
        cacheDir: path.join(this.workdir, 'kwokctl-cache'),
      },
      componentsPatches: [
        {
          name: 'kube-apiserver',
          extraArgs: [{ key: 'enable-aggregator-routing', value: 'true' }],
        },
      ],
    };
  }

  private async waitReady(): Promise<void> {
    await waitFor(
      `hub ${this.name} to answer /readyz`,
      async () => {
        const { status } = await getRaw(this.kubeConfig(), '/readyz');
        return status === 200 ? true : undefined;
      },
      { timeoutMs: 120_000 },
    );
  }

  private async kwokctl(args: string[]): Promise<string> {
    try {
      const { stdout } = await execFileAsync(this.binaries.kwokctl, args, {
        env: {
          ...process.env,
          KWOK_WORKDIR: this.workdir,
          KWOK_KUBE_VERSION: versions.kubernetes,
        },
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout;
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`kwokctl ${args.join(' ')} failed: ${e.stderr || e.message}`);
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
