import fs from 'node:fs';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { ServerSideApplier } from '@hostplane/plugin-hostplane-node';
import { ensureHubBinaries } from './binaries';
import { KwokctlCluster } from './KwokctlCluster';
import { rotatePki } from './pki';
import { cacheDir } from './paths';
import { FAKE_NODE_ANNOTATION } from './stages';
import { STANDIN_FIELD_MANAGER } from './standin/fieldManager';

/** The label that groups a tenant's nodes by the NodePool they belong to. */
export const NODE_POOL_LABEL = 'hypershift.openshift.io/nodePool';

/**
 * The real control plane of one tenant cluster: its own etcd, kube-apiserver (own PKI, audit log
 * on), controller-manager and scheduler as local processes, plus a KWOK controller that keeps the
 * tenant's nodes Ready. On a real hub HyperShift runs these as pods; here they are processes the
 * hub's pods stand for. Every tenant process runs the one Kubernetes version that was built,
 * whatever version the HostedCluster asks for.
 */
export class TenantProcesses extends KwokctlCluster {
  static async open(options: {
    namespace: string;
    name: string;
    workdir?: string;
    log?: (message: string) => void;
  }): Promise<TenantProcesses> {
    return new TenantProcesses(
      `${options.namespace}-${options.name}`,
      options.workdir ?? path.join(cacheDir(), 'tenants'),
      await ensureHubBinaries(),
      options.log ?? (() => {}),
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
          labels: { [NODE_POOL_LABEL]: pool, 'kubernetes.io/hostname': name },
          annotations: { [FAKE_NODE_ANNOTATION]: 'fake' },
        },
      })),
    );
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const existing = await core.listNode({ labelSelector: NODE_POOL_LABEL });
    const names = new Set(wanted.map(w => w.name));
    for (const node of existing.items) {
      if (!names.has(node.metadata!.name!)) {
        await core.deleteNode({ name: node.metadata!.name! });
      }
    }
  }
}
