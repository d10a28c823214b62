import fs from 'node:fs';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { ServerSideApplier } from '@hostplane/plugin-hostplane-node';
import { ensureHubBinaries } from './binaries';
import { EtcdMember, EtcdMembers, memberComponent } from './EtcdMembers';
import { KwokctlCluster, KwokctlClusterConfig } from './KwokctlCluster';
import { rotatePki } from './pki';
import { HubBinaries, cacheDir } from './paths';
import { isAlive } from './processes';
import { FAKE_NODE_ANNOTATION } from './stages';
import { STANDIN_FIELD_MANAGER } from './standin/fieldManager';
import { TenantAuditWebhook, auditWebhookArgs } from './standin/auditWebhook';

/**
 * HyperShift's own label on a tenant's nodes and machines: the NodePool they belong to. Not
 * Hostplane's `NODE_POOL_LABEL`, which marks a cluster's per-pool objects on the hub.
 */
export const HYPERSHIFT_NODE_POOL_LABEL = 'hypershift.openshift.io/nodePool';

/**
 * The real control plane of one tenant cluster: its own etcd, kube-apiserver (own PKI, audit log
 * on), controller-manager and scheduler as local processes, plus a KWOK controller that keeps the
 * tenant's nodes Ready. On a real hub HyperShift runs these as pods; here they are processes the
 * hub's pods stand for. Every tenant process runs the one Kubernetes version that was built,
 * whatever version the HostedCluster asks for. Its etcd has the members it was created with (1,
 * or 3 for a highly available control plane); the API server is told of all of them.
 */
export class TenantProcesses extends KwokctlCluster {
  static async open(options: {
    namespace: string;
    name: string;
    workdir?: string;
    /** How many etcd members the tenant gets when it is created; 1 by default. */
    etcdMembers?: number;
    /** The etcd backend quota the tenant gets when it is created; kwokctl's 8 GiB by default. */
    etcdQuotaBackendBytes?: number;
    log?: (message: string) => void;
  }): Promise<TenantProcesses> {
    return new TenantProcesses(
      `${options.namespace}-${options.name}`,
      options.workdir ?? path.join(cacheDir(), 'tenants'),
      await ensureHubBinaries(),
      options.log ?? (() => {}),
      options.etcdMembers,
      options.etcdQuotaBackendBytes,
    );
  }

  /** Every tenant whose processes have state under this folder, for deleting them all. */
  static async all(
    workdir = path.join(cacheDir(), 'tenants'),
    log: (message: string) => void = () => {},
  ): Promise<TenantProcesses[]> {
    const clusters = path.join(workdir, 'clusters');
    if (!fs.existsSync(clusters)) {
      return [];
    }
    const binaries = await ensureHubBinaries();
    return fs
      .readdirSync(clusters)
      .map(name => new TenantProcesses(name, workdir, binaries, log));
  }

  private readonly logOffsets = new Map<string, number>();
  /**
   * Where the API server sends its audit events (HyperShift's `spec.auditWebhook`), set before
   * `up`: kwokctl keeps a tenant's flags and policy from its creation.
   */
  auditWebhook?: TenantAuditWebhook;
  /** The members beyond the one kwokctl runs. */
  private readonly extraMembers: EtcdMembers;

  constructor(
    name: string,
    workdir: string,
    binaries: HubBinaries,
    log: (message: string) => void,
    private readonly etcdMemberCount = 1,
    private readonly etcdQuotaBackendBytes?: number,
  ) {
    super(name, workdir, binaries, log);
    this.extraMembers = new EtcdMembers({
      clusterDir: this.clusterDir,
      planPath: path.join(workdir, `${name}.etcd-members.json`),
      etcdBinary: binaries.etcd,
      // The first member's, once kwokctl keeps it: the members of one cluster share a quota.
      quotaBackendBytes: () => {
        if (!this.exists()) return this.etcdQuotaBackendBytes;
        const flag = this.componentCommand('etcd').args.find(arg =>
          arg.startsWith('--quota-backend-bytes='),
        );
        return flag ? Number(flag.split('=')[1]) : undefined;
      },
      log,
    });
  }

  /** Where the tenant's etcd restores keep their snapshot and state (see etcd/StandinEtcd.ts). */
  get etcdRestoreDir(): string {
    return path.join(this.workdir, `${this.name}.etcd-restore`);
  }

  /** Where etcd member `index` keeps its data: kwokctl's folder for the first. */
  etcdMemberDataDir(index: number): string {
    return index === 0
      ? this.etcdDataDir
      : this.extraMembers.dataDir(this.extraMembers.planned()[index - 1]);
  }

  /** Whether the process of etcd member `index` runs. */
  etcdMemberRunning(index: number): boolean {
    const pidFile = path.join(
      this.clusterDir,
      'pids',
      `${memberComponent(index)}.pid`,
    );
    return (
      fs.existsSync(pidFile) &&
      isAlive(Number(fs.readFileSync(pidFile, 'utf8').trim()))
    );
  }

  /**
   * Starts etcd member `index` (above the first), added to the cluster again without data, to
   * join the members the cluster has now.
   */
  startEtcdMemberJoining(index: number, initialCluster: string): void {
    this.extraMembers.startJoining(
      this.extraMembers.planned()[index - 1],
      initialCluster,
    );
  }

  /** The tenant's etcd members, kwokctl's first: member i stands behind the pod `etcd-<i>`. */
  etcdMembers(): EtcdMember[] {
    return [
      {
        name: 'node0',
        clientPort: this.etcdPort(),
        peerPort: this.etcdPeerPort(),
      },
      ...this.extraMembers.planned(),
    ];
  }

  /** The log of each etcd member, as `mirrorLogs` and `criLogPath` name it. */
  etcdLogComponents(): string[] {
    return this.etcdMembers().map((_, index) => memberComponent(index));
  }

  /**
   * Creates the tenant (its API server told of every etcd member to come) or starts it again, and
   * joins the etcd members it is short of. On a restart the other members start first: the first
   * alone is no quorum, and kwokctl waits for the API server, which waits for one.
   * `restoreEtcd`, when given, writes every member's data before any of them starts (for a
   * tenant that exists, after stopping it); members with data join no one.
   */
  override async up(
    requested: KwokctlClusterConfig = {},
    restoreEtcd?: (members: EtcdMember[]) => Promise<void>,
  ): Promise<void> {
    const config: KwokctlClusterConfig = this.auditWebhook
      ? {
          ...requested,
          apiserverArgs: {
            ...requested.apiserverArgs,
            ...auditWebhookArgs(this.auditWebhook),
          },
          auditPolicy: this.auditWebhook.policy,
        }
      : requested;
    if (this.exists()) {
      if (restoreEtcd) {
        await this.stop();
        await restoreEtcd(this.etcdMembers());
      }
      await this.extraMembers.start(this.etcdMembers()[0]);
      await super.up(config);
    } else {
      const extra =
        this.etcdMemberCount > 1
          ? await this.extraMembers.plan(this.etcdMemberCount)
          : [];
      const beforeCreate =
        restoreEtcd &&
        (async (ports: { etcdPort: number; etcdPeerPort: number }) => {
          const first = {
            name: 'node0',
            clientPort: ports.etcdPort,
            peerPort: ports.etcdPeerPort,
          };
          await restoreEtcd([first, ...extra]);
          await this.extraMembers.start(first);
        });
      await super.up({
        ...config,
        etcdQuotaBackendBytes:
          config.etcdQuotaBackendBytes ?? this.etcdQuotaBackendBytes,
        ...(beforeCreate ? { beforeCreate } : {}),
        ...(extra.length === 0
          ? {}
          : {
              apiserverArgs: {
                ...config.apiserverArgs,
                // Added to kwokctl's own `--etcd-servers` (a list flag: repeated, it appends).
                'etcd-servers': extra
                  .map(m => `http://127.0.0.1:${m.clientPort}`)
                  .join(','),
              },
            }),
      });
    }
    await this.extraMembers.join(this.etcdMembers()[0]);
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.extraMembers.stop();
  }

  override async delete(): Promise<void> {
    await this.extraMembers.stop();
    await super.delete();
    this.extraMembers.removePlan();
    fs.rmSync(this.etcdRestoreDir, { recursive: true, force: true });
  }

  /**
   * etcd is available while a quorum of its members is healthy; the API server, when it answers
   * /readyz. Also says how many members are not healthy.
   */
  override async health(): Promise<{
    etcd: boolean;
    kubeAPIServer: boolean;
    etcdUnavailableMembers: number;
  }> {
    const [first, extra] = await Promise.all([
      super.health(),
      Promise.all(
        this.extraMembers.planned().map(m => this.extraMembers.healthy(m)),
      ),
    ]);
    const members = [first.etcd, ...extra];
    const healthy = members.filter(Boolean).length;
    return {
      etcd: healthy > members.length / 2,
      kubeAPIServer: first.kubeAPIServer,
      etcdUnavailableMembers: members.length - healthy,
    };
  }

  /**
   * Failure injection: kills the process of etcd member `index` (the pod `etcd-<index>`), and with
   * `wipeData` removes its data too, as a lost volume would.
   */
  killEtcdMember(index: number, { wipeData = false } = {}): void {
    if (index === 0) {
      this.killComponent('etcd');
    } else {
      this.extraMembers.kill(index);
    }
    if (wipeData) {
      fs.rmSync(this.etcdMemberDataDir(index), {
        recursive: true,
        force: true,
      });
    }
  }

  private get rotationMarkerPath(): string {
    return path.join(this.clusterDir, 'pki', 'rotation');
  }

  /** The credential rotation request this tenant's PKI answers, if it was ever rotated. */
  credentialsRotation(): string | undefined {
    return fs.existsSync(this.rotationMarkerPath)
      ? fs.readFileSync(this.rotationMarkerPath, 'utf8')
      : undefined;
  }

  /**
   * Replaces the tenant's CA and every certificate signed by it, with the processes stopped (they
   * read their certificates when they start), and starts them again. The request is recorded
   * last: interrupted, the rotation runs again from the start.
   */
  async rotateCredentials(request: string): Promise<void> {
    await this.stop();
    rotatePki(path.join(this.clusterDir, 'pki'));
    await this.up();
    fs.writeFileSync(this.rotationMarkerPath, request);
  }

  /** Where `kubectl logs` of a component's pods reads from (see {@link mirrorLogs}). */
  criLogPath(component: string): string {
    return path.join(this.clusterDir, 'logs', `${component}.cri.log`);
  }

  /**
   * KWOK serves pod logs in the container runtime's log format (`<time> <stream> F <line>`), but
   * the processes write plain lines: copies what each component logged since the last call into a
   * CRI-format file beside it. Lines get the time they were copied.
   */
  mirrorLogs(components: string[]): void {
    for (const component of components) {
      const source = path.join(this.clusterDir, 'logs', `${component}.log`);
      if (!fs.existsSync(source)) continue;
      const offset = this.logOffsets.get(component) ?? 0;
      const size = fs.statSync(source).size;
      if (size <= offset) continue;
      const fd = fs.openSync(source, 'r');
      const buffer = Buffer.alloc(size - offset);
      fs.readSync(fd, buffer, 0, buffer.length, offset);
      fs.closeSync(fd);
      const text = buffer.toString('utf8');
      const complete = text.slice(0, text.lastIndexOf('\n') + 1);
      if (!complete) continue;
      const now = new Date().toISOString();
      const lines = complete
        .split('\n')
        .filter(line => line.length > 0)
        .map(line => `${now} stderr F ${line}\n`)
        .join('');
      fs.appendFileSync(this.criLogPath(component), lines);
      this.logOffsets.set(component, offset + Buffer.byteLength(complete));
    }
  }

  /**
   * Makes the tenant's pool nodes exactly these: each is registered (the tenant's KWOK controller
   * makes it Ready) and every other pool node is removed.
   */
  async syncPoolNodes(
    wanted: Array<{ pool: string; name: string }>,
  ): Promise<void> {
    const kubeConfig = this.kubeConfig();
    await new ServerSideApplier(kubeConfig, STANDIN_FIELD_MANAGER).apply(
      wanted.map(({ pool, name }) => ({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          labels: {
            [HYPERSHIFT_NODE_POOL_LABEL]: pool,
            'kubernetes.io/hostname': name,
          },
          annotations: { [FAKE_NODE_ANNOTATION]: 'fake' },
        },
      })),
    );
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const existing = await core.listNode({
      labelSelector: HYPERSHIFT_NODE_POOL_LABEL,
    });
    const names = new Set(wanted.map(w => w.name));
    for (const node of existing.items) {
      if (!names.has(node.metadata!.name!)) {
        await core.deleteNode({ name: node.metadata!.name! });
      }
    }
  }
}
