import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import {
  getRaw,
  loadKubeConfigFromFile,
  waitFor,
} from '@hostplane/plugin-hostplane-node';
import { parseAllDocuments, stringify } from 'yaml';
import { HubBinaries, versions } from './paths';
import { keptPort, portFree, portHolder } from './ports';
import { isAlive } from './processes';

const execFileAsync = promisify(execFile);

/** Whether the etcd member serving clients on this loopback port is healthy (it has a leader). */
export async function etcdHealthy(clientPort: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${clientPort}/health`, {
    signal: AbortSignal.timeout(2_000),
  })
    .then(async r => r.ok && (await r.json()).health === 'true')
    .catch(() => false);
}

/**
 * kwokctl picks "unused" ports by scanning down from the same fixed number in every process, so
 * two clusters created at the same moment (parallel test suites) can pick the same ports. The
 * ports are chosen here instead, at random, and such that they are still free when the cluster
 * starts again (`keptPort`).
 */
const COMPONENT_PORTS = [
  'kubeApiserverPort',
  'etcdPort',
  'etcdPeerPort',
  'kubeControllerManagerPort',
  'kubeSchedulerPort',
  'kwokControllerPort',
] as const;

type ComponentPorts = Record<(typeof COMPONENT_PORTS)[number], number>;

async function componentPorts(): Promise<ComponentPorts> {
  const chosen = new Set<number>();
  while (chosen.size < COMPONENT_PORTS.length) chosen.add(await keptPort());
  const ports = [...chosen];
  return Object.fromEntries(
    COMPONENT_PORTS.map((key, index) => [key, ports[index]]),
  ) as ComponentPorts;
}

export interface KwokctlClusterConfig {
  /** KWOK custom resources to enable (Stage, Exec, Logs, PortForward, ...). */
  enableCRDs?: string[];
  /** Extra kube-apiserver flags. */
  apiserverArgs?: Record<string, string>;
  /** The API server's audit policy (an `audit.k8s.io/v1` Policy); all at metadata by default. */
  auditPolicy?: object;
  /** etcd's backend quota (`--quota-backend-bytes`); kwokctl's 8 GiB by default. */
  etcdQuotaBackendBytes?: number;
  /**
   * Runs when a new cluster's ports are chosen, before kwokctl creates and first starts it: what
   * must be in place before etcd first starts (a snapshot restored into its data folder).
   */
  beforeCreate?: (ports: {
    etcdPort: number;
    etcdPeerPort: number;
  }) => Promise<void>;
}

/**
 * A Kubernetes control plane of real processes, launched by kwokctl's binary runtime from the
 * locally built binaries: etcd, kube-apiserver (own PKI, service-account keys, audit log),
 * kube-controller-manager, kube-scheduler and the KWOK controller, on free loopback ports. Both
 * the hub and the real tenants are one of these.
 */
export class KwokctlCluster {
  constructor(
    readonly name: string,
    /** Where kwokctl keeps the cluster's PKI, etcd data, logs and pid files. */
    readonly workdir: string,
    protected readonly binaries: HubBinaries,
    protected readonly log: (message: string) => void,
  ) {}

  get clusterDir(): string {
    return path.join(this.workdir, 'clusters', this.name);
  }

  get kubeconfigPath(): string {
    return path.join(this.clusterDir, 'kubeconfig.yaml');
  }

  /** PEM of the cluster's root CA, which signs its serving and client certificates. */
  get rootCaPath(): string {
    return path.join(this.clusterDir, 'pki', 'ca.crt');
  }

  get auditLogPath(): string {
    return path.join(this.clusterDir, 'logs', 'audit.log');
  }

  /** Where kwokctl's etcd keeps its data. */
  get etcdDataDir(): string {
    return path.join(this.clusterDir, 'etcd');
  }

  private loadedKubeConfig?: { modified: bigint; kubeConfig: KubeConfig };

  /**
   * The cluster's admin KubeConfig. The same one while the file is unchanged, so that the clients
   * made from it share connections; rotating the credentials rewrites the file.
   */
  kubeConfig(): KubeConfig {
    const modified = fs.statSync(this.kubeconfigPath, { bigint: true }).mtimeNs;
    if (this.loadedKubeConfig?.modified !== modified) {
      this.loadedKubeConfig = {
        modified,
        kubeConfig: loadKubeConfigFromFile(this.kubeconfigPath),
      };
    }
    return this.loadedKubeConfig.kubeConfig;
  }

  get server(): string {
    return this.kubeConfig().getCurrentCluster()!.server;
  }

  exists(): boolean {
    return fs.existsSync(path.join(this.clusterDir, 'kwok.yaml'));
  }

  /** The process ids of the cluster's components, from kwokctl's pid files. */
  processIds(): number[] {
    const pidsDir = path.join(this.clusterDir, 'pids');
    if (!fs.existsSync(pidsDir)) {
      return [];
    }
    return fs
      .readdirSync(pidsDir)
      .map(file =>
        Number(fs.readFileSync(path.join(pidsDir, file), 'utf8').trim()),
      )
      .filter(pid => Number.isInteger(pid) && pid > 0);
  }

  private knownEtcdPorts?: { client: number; peer: number };

  /**
   * The loopback ports etcd serves clients and peers on (plain HTTP, as kwokctl runs it). Read once
   * from kwokctl's state: they are probed every few seconds and do not change while the cluster
   * exists.
   */
  private etcdPorts(): { client: number; peer: number } {
    if (this.knownEtcdPorts === undefined) {
      const options = this.storedOptions();
      this.knownEtcdPorts = {
        client: options.etcdPort,
        peer: options.etcdPeerPort,
      };
    }
    return this.knownEtcdPorts;
  }

  /** The command line kwokctl runs one of the cluster's components with, from its state. */
  componentCommand(name: string): { binary: string; args: string[] } {
    const documents = parseAllDocuments(
      fs.readFileSync(path.join(this.clusterDir, 'kwok.yaml'), 'utf8'),
    );
    const component = documents
      .map(d => d.toJS())
      .find(d => d?.kind === 'KwokctlConfiguration')
      .components?.find((c: { name: string }) => c.name === name);
    if (!component) {
      throw new Error(`${this.name} has no component ${name}`);
    }
    return { binary: component.binary, args: component.args ?? [] };
  }

  /**
   * Changes the command line kwokctl keeps for one of the cluster's components: its next start,
   * by kwokctl or by `componentCommand`, runs with these arguments.
   */
  updateComponentArgs(name: string, update: (args: string[]) => string[]) {
    const file = path.join(this.clusterDir, 'kwok.yaml');
    const documents = parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d =>
      d.toJS(),
    );
    const component = documents
      .find(d => d?.kind === 'KwokctlConfiguration')
      ?.components?.find((c: { name: string }) => c.name === name);
    if (!component) {
      throw new Error(`${this.name} has no component ${name}`);
    }
    component.args = update(component.args ?? []);
    const written = `${file}.${process.pid}`;
    fs.writeFileSync(written, documents.map(d => stringify(d)).join('---\n'));
    fs.renameSync(written, file);
  }

  /** The options kwokctl keeps in its state for the cluster (its ports among them). */
  private storedOptions(): Record<string, any> {
    const documents = parseAllDocuments(
      fs.readFileSync(path.join(this.clusterDir, 'kwok.yaml'), 'utf8'),
    );
    return documents
      .map(d => d.toJS())
      .find(d => d?.kind === 'KwokctlConfiguration').options;
  }

  /** How long a restart waits for a kept port that another process holds before it fails. */
  storedPortsWaitMs = 30_000;

  /**
   * A stopped cluster starts again on the ports it was made with. A port still held after
   * `storedPortsWaitMs` (longer than a stopped component takes to exit) is another process's:
   * this then fails and names it where it can, rather than after kwokctl's three minutes with a
   * component's log to read.
   */
  private async ensureStoredPortsFree(): Promise<void> {
    if (this.processIds().some(isAlive)) return;
    const options = this.storedOptions();
    const deadline = Date.now() + this.storedPortsWaitMs;
    for (const key of COMPONENT_PORTS) {
      const port = options[key];
      if (typeof port !== 'number') continue;
      while (!(await portFree(port))) {
        if (Date.now() > deadline) {
          const holder = portHolder(port);
          throw new Error(
            `${
              this.name
            } cannot start again: another process holds its ${key} ${port}${
              holder ? `, ${holder}` : ''
            }. Free the port, or delete the cluster (\`yarn hub delete --name ${
              this.name
            }\`) to make it anew on ports that stay free.`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, 500));
      }
    }
  }

  /**
   * The loopback ports of the controller-manager's and the scheduler's secure endpoints, from
   * kwokctl's state (for scraping their /metrics).
   */
  managerPorts(): { kubeControllerManager: number; kubeScheduler: number } {
    const options = this.storedOptions();
    return {
      kubeControllerManager: options.kubeControllerManagerPort,
      kubeScheduler: options.kubeSchedulerPort,
    };
  }

  /**
   * The loopback port of the KWOK controller, which also serves the simulated kubelet endpoints
   * (`/metrics/nodes/<node>/...`), plain HTTP and HTTPS on the one port.
   */
  kwokControllerPort(): number {
    return this.storedOptions().kwokControllerPort;
  }

  /** The KWOK resources the cluster was created with (kwokctl keeps them from its creation). */
  enabledKwokCrds(): string[] {
    return this.storedOptions().enableCRDs ?? [];
  }

  /** The loopback port etcd serves clients on. */
  etcdPort(): number {
    return this.etcdPorts().client;
  }

  /** The loopback port etcd talks to its peers on. */
  etcdPeerPort(): number {
    return this.etcdPorts().peer;
  }

  /** Whether etcd and the API server answer their health checks right now. */
  async health(): Promise<{ etcd: boolean; kubeAPIServer: boolean }> {
    const etcd = await etcdHealthy(this.etcdPort());
    const kubeAPIServer = await getRaw(this.kubeConfig(), '/readyz')
      .then(r => r.status === 200)
      .catch(() => false);
    return { etcd, kubeAPIServer };
  }

  /** One component's process id, from kwokctl's pid file. */
  componentProcessId(component: 'etcd' | 'kube-apiserver'): number {
    const pidFile = path.join(this.clusterDir, 'pids', `${component}.pid`);
    return Number(fs.readFileSync(pidFile, 'utf8').trim());
  }

  /** Failure injection: kills one component's process (as a crash would). */
  killComponent(component: 'etcd' | 'kube-apiserver'): void {
    process.kill(this.componentProcessId(component), 'SIGKILL');
  }

  /**
   * Creates the cluster, or starts it again if it exists, and waits until it answers /readyz. A
   * cluster that does not come up fails with the end of each component's log, which says why.
   */
  async up(config: KwokctlClusterConfig = {}): Promise<void> {
    try {
      await this.startAndWait(config);
    } catch (error) {
      throw new Error(
        `${(error as Error).message}\n${this.componentLogTails()}`,
      );
    }
  }

  /** The last lines of each component's log, for an error. */
  private componentLogTails(lines = 15): string {
    const logsDir = path.join(this.clusterDir, 'logs');
    if (!fs.existsSync(logsDir)) return `(no logs in ${logsDir})`;
    return fs
      .readdirSync(logsDir)
      .filter(file => file.endsWith('.log') && file !== 'audit.log')
      .map(file => {
        const tail = fs
          .readFileSync(path.join(logsDir, file), 'utf8')
          .trimEnd()
          .split('\n')
          .slice(-lines)
          .join('\n');
        return `--- ${file}\n${tail}`;
      })
      .join('\n');
  }

  private async startAndWait(config: KwokctlClusterConfig): Promise<void> {
    const started = Date.now();
    if (this.exists()) {
      await this.ensureStoredPortsFree();
      this.log(`restarting ${this.name}`);
      await this.kwokctl([
        'start',
        'cluster',
        '--name',
        this.name,
        '--wait',
        '3m',
      ]);
    } else {
      this.log(`creating ${this.name} in ${this.workdir}`);
      await this.create(config);
    }
    await waitFor(
      `${this.name} to answer /readyz`,
      async () =>
        (await getRaw(this.kubeConfig(), '/readyz')).status === 200
          ? true
          : undefined,
      { timeoutMs: 120_000 },
    );
    this.log(`${this.name} answers /readyz after ${Date.now() - started} ms`);
  }

  /** Stops the processes but keeps the state, for a later `up`. */
  async stop(): Promise<void> {
    await this.kwokctl(['stop', 'cluster', '--name', this.name]);
  }

  /** Stops every process and removes the state; no process or port is left behind. */
  async delete(): Promise<void> {
    const pids = this.processIds();
    this.knownEtcdPorts = undefined;
    await this.kwokctl(['delete', 'cluster', '--name', this.name]);
    // kwokctl signals the processes but does not wait for them to exit.
    const deadline = Date.now() + 15_000;
    while (pids.some(isAlive) && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    for (const pid of pids.filter(isAlive)) {
      this.log(
        `process ${pid} of ${this.name} outlived kwokctl delete; killing it`,
      );
      process.kill(pid, 'SIGKILL');
    }
    // kwokctl removes the cluster's folder, not the files `create` wrote beside it.
    for (const file of Object.values(this.configFiles())) {
      fs.rmSync(file, { force: true });
    }
  }

  /** What `create` writes in the workdir beside the cluster's folder. */
  private configFiles() {
    const file = (suffix: string) =>
      path.join(this.workdir, `${this.name}.${suffix}`);
    return {
      config: file('kwokctl.yaml'),
      auditPolicy: file('audit-policy.yaml'),
      kubeconfig: file('kubeconfig.yaml'),
    };
  }

  private async create(config: KwokctlClusterConfig): Promise<void> {
    fs.mkdirSync(this.workdir, { recursive: true });
    const files = this.configFiles();
    const configPath = files.config;
    const auditPolicyPath = files.auditPolicy;
    fs.writeFileSync(
      auditPolicyPath,
      stringify(
        config.auditPolicy ?? {
          apiVersion: 'audit.k8s.io/v1',
          kind: 'Policy',
          omitStages: ['RequestReceived'],
          rules: [{ level: 'Metadata' }],
        },
      ),
    );
    const b = this.binaries;
    const ports = await componentPorts();
    await config.beforeCreate?.({
      etcdPort: ports.etcdPort,
      etcdPeerPort: ports.etcdPeerPort,
    });
    const kwokctlConfiguration = {
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
        enableCRDs: config.enableCRDs ?? [],
        ...(config.etcdQuotaBackendBytes
          ? { etcdQuotaBackendSize: String(config.etcdQuotaBackendBytes) }
          : {}),
        ...ports,
        cacheDir: path.join(this.workdir, 'kwokctl-cache'),
      },
      componentsPatches: [
        {
          name: 'kube-apiserver',
          extraArgs: Object.entries(config.apiserverArgs ?? {}).map(
            ([key, value]) => ({
              key,
              value,
            }),
          ),
        },
      ],
    };
    fs.writeFileSync(configPath, stringify(kwokctlConfiguration));
    await this.kwokctl([
      '--config',
      configPath,
      'create',
      'cluster',
      '--name',
      this.name,
      '--kubeconfig',
      files.kubeconfig,
      '--wait',
      '3m',
    ]);
  }

  private async kwokctl(args: string[]): Promise<string> {
    try {
      const { stdout } = await execFileAsync(this.binaries.kwokctl, args, {
        env: {
          ...process.env,
          // The components inherit this PATH: commands that KWOK's Exec runs "in" a pod (etcdctl
          // in a tenant's etcd pod) are looked up on it.
          PATH: `${path.dirname(this.binaries.etcdctl)}:${
            process.env.PATH ?? '/usr/bin:/bin'
          }`,
          KWOK_WORKDIR: this.workdir,
          KWOK_KUBE_VERSION: versions.kubernetes,
        },
        maxBuffer: 16 * 1024 * 1024,
        // Past its own `--wait` of three minutes: kwokctl itself must not hang a caller.
        timeout: 200_000,
      });
      return stdout;
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(
        `kwokctl ${args.join(' ')} failed: ${e.stderr || e.message}`,
      );
    }
  }
}
