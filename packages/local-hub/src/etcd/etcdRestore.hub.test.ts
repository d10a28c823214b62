import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import {
  ETCD_RESTORED_ANNOTATION,
  ETCD_RESTORE_REQUEST_ANNOTATION,
} from '@hostplane/plugin-hostplane-common';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import { controlPlaneNamespace } from '../controlplane';
import { hubBinaries } from '../paths';
import { StandinOperator } from '../standin';
import { minimalHostedCluster } from '../testing/fixtures';
import { StandinLog, describeConditions } from '../testing/realTenantWait';
import { useTestHub } from '../testing/useTestHub';
import { TenantProcesses } from '../TenantProcesses';
import { ETCD_SNAPSHOT_RESTORED_CONDITION } from './StandinEtcd';

jest.setTimeout(900_000);

const execFileAsync = promisify(execFile);
const RELEASE = 'registry.hostplane.local/kubernetes-release:v1.37.2';
/** Small, so the flag is seen on every member; still far above what these tenants write. */
const QUOTA_BYTES = 256 * 1024 * 1024;
/** Stands for a signed URL's signature: it must appear in no condition and no log line. */
const SIGNATURE = 'X-Amz-Signature=not-to-be-seen';

/**
 * Serves snapshot files as an object store's pre-signed URLs would: `/<name>?<signature>`. A name
 * not (yet) published answers 404, as an object that is not there.
 */
class SnapshotServer {
  private readonly files = new Map<string, string>();
  private server?: http.Server;

  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      const url = new URL(request.url!, 'http://localhost');
      const file = this.files.get(url.pathname.slice(1));
      if (!file || !url.search.includes(SIGNATURE)) {
        response.writeHead(404).end('<Error><Code>NoSuchKey</Code></Error>');
        return;
      }
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
      });
      fs.createReadStream(file).pipe(response);
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
  }

  url(name: string): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}/${name}?${SIGNATURE}`;
  }

  publish(name: string, file: string): void {
    this.files.set(name, file);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise(resolve => this.server?.close(resolve));
  }
}

describe('the stand-in restores tenant etcd', () => {
  let operator: StandinOperator;
  const snapshots = new SnapshotServer();
  afterAll(async () => {
    await operator?.stop();
    await snapshots.stop();
  });
  const context = useTestHub('etcd-restore');
  const standinLog = new StandinLog();
  const logLines: string[] = [];

  const custom = () => context.hub.kubeConfig().makeApiClient(CustomObjectsApi);
  const hubCore = () => context.hub.kubeConfig().makeApiClient(CoreV1Api);
  const readCluster = (name: string) =>
    custom()
      .getNamespacedCustomObject({
        group: 'hypershift.openshift.io',
        version: 'v1beta1',
        namespace: 'clusters',
        plural: 'hostedclusters',
        name,
      })
      .catch(() => undefined) as Promise<any>;
  const condition = (hc: any, type: string) =>
    hc?.status?.conditions?.find((c: { type: string }) => c.type === type);
  const createCluster = (name: string, spec: Record<string, unknown> = {}) => {
    const hc = minimalHostedCluster('clusters', name, RELEASE);
    return KubernetesObjectApi.makeApiClient(context.hub.kubeConfig()).create({
      ...hc,
      spec: { ...(hc.spec as object), ...spec },
    });
  };
  /** Waits until the stand-in runs the tenant and reports it Available at its own endpoint. */
  const runningTenant = (name: string) =>
    standinLog.waitForTenant(`${name} to run, Available`, async () => {
      const hc = await readCluster(name);
      const tenant = operator.tenant('clusters', name);
      const endpoint = hc?.status?.controlPlaneEndpoint;
      if (
        tenant &&
        condition(hc, 'Available')?.status === 'True' &&
        `https://${endpoint?.host}:${endpoint?.port}` === tenant.server
      ) {
        return tenant;
      }
      throw new Error(
        `${
          tenant ? 'running' : 'not running yet'
        }, conditions ${describeConditions(hc?.status?.conditions)}`,
      );
    });
  const kubectl = (tenant: TenantProcesses, ...args: string[]) =>
    execFileSync(hubBinaries().kubectl, [
      '--kubeconfig',
      tenant.kubeconfigPath,
      ...args,
    ]).toString();
  const configMaps = (tenant: TenantProcesses) =>
    kubectl(
      tenant,
      'get',
      'configmaps',
      '-n',
      'default',
      '-l',
      'restore-test',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.data.value}{"\\n"}{end}',
    )
      .split('\n')
      .filter(Boolean)
      .sort();
  const createConfigMap = (tenant: TenantProcesses, name: string) => {
    kubectl(
      tenant,
      'create',
      'configmap',
      name,
      '-n',
      'default',
      `--from-literal=value=${name}-value`,
    );
    kubectl(
      tenant,
      'label',
      'configmap',
      name,
      '-n',
      'default',
      'restore-test=yes',
    );
  };
  /** `etcdctl snapshot save` of one member, as an operator takes a backup by hand. */
  const saveSnapshot = async (clientPort: number, file: string) => {
    await execFileAsync(hubBinaries().etcdctl, [
      `--endpoints=http://127.0.0.1:${clientPort}`,
      'snapshot',
      'save',
      file,
    ]);
    return file;
  };
  // With a deadline, as etcdctl's: a proposal the leader lost (it was just killed) is never answered.
  const etcdPost = async (port: number, route: string, body: object) =>
    (
      await fetch(`http://127.0.0.1:${port}${route}`, {
        method: 'POST',
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      })
    ).json();
  const revisionOf = async (port: number) =>
    Number(
      (await etcdPost(port, '/v3/maintenance/status', {})).header.revision,
    );
  const memberNames = async (port: number) =>
    ((await etcdPost(port, '/v3/cluster/member/list', {})).members as any[])
      .map(m => m.name)
      .sort();
  /** Sets an annotation on a HostedCluster, as the backend asks for a restore. */
  const annotate = async (name: string, key: string, value: string) => {
    const annotations = {
      ...(await readCluster(name)).metadata.annotations,
      [key]: value,
    };
    await custom().patchNamespacedCustomObject({
      group: 'hypershift.openshift.io',
      version: 'v1beta1',
      namespace: 'clusters',
      plural: 'hostedclusters',
      name,
      body: [{ op: 'add', path: '/metadata/annotations', value: annotations }],
    });
  };
  /** A signed URL is a credential: no log line of the stand-in may carry it. */
  const expectNoSignatureLogged = () =>
    expect(logLines.filter(line => line.includes(SIGNATURE))).toEqual([]);

  beforeAll(async () => {
    await snapshots.start();
    operator = new StandinOperator({
      hubKubeConfig: context.hub.kubeConfig(),
      maxRealTenants: 3,
      tenantsWorkdir: path.join(context.workdir, 'tenants'),
      probeIntervalMs: 500,
      etcdQuotaBackendBytes: QUOTA_BYTES,
      log: line => {
        logLines.push(line);
        standinLog.log(line);
      },
    });
    await operator.start();
    await hubCore().createNamespace({
      body: { metadata: { name: 'clusters' } },
    });
    // Both start at once; the highly available one is used from the second test on.
    await createCluster('source');
    await createCluster('ha', {
      controllerAvailabilityPolicy: 'HighlyAvailable',
    });
  }, 420_000);

  it('creates a tenant from the snapshot its HostedCluster names in restoreSnapshotURL', async () => {
    const source = await runningTenant('source');
    createConfigMap(source, 'before-backup');
    const snapshot = await saveSnapshot(
      source.etcdPort(),
      path.join(context.workdir, 'source.db'),
    );
    createConfigMap(source, 'after-backup');

    // Not there yet: the stand-in says why, and tries again.
    const url = snapshots.url('source.db');
    // Highly available: its three members are restored from the one file before any starts.
    await runningTenant('ha');
    const linesBeforeCopy = logLines.length;
    await createCluster('copy', {
      controllerAvailabilityPolicy: 'HighlyAvailable',
      etcd: {
        managementType: 'Managed',
        managed: {
          storage: { type: 'PersistentVolume', restoreSnapshotURL: [url] },
        },
      },
    });
    const refused = await waitFor(
      'copy to report its snapshot missing',
      async () => {
        const c = condition(
          await readCluster('copy'),
          ETCD_SNAPSHOT_RESTORED_CONDITION,
        );
        return c?.status === 'False' ? c : undefined;
      },
    );
    expect(refused).toMatchObject({
      reason: 'SnapshotDownloadFailed',
      message: 'downloading the snapshot answered HTTP 404 Not Found',
    });
    expect(operator.tenant('clusters', 'copy')).toBeUndefined();

    snapshots.publish('source.db', snapshot);
    const copy = await runningTenant('copy');
    expect(configMaps(copy)).toEqual(['before-backup=before-backup-value']);
    const copyMembers = copy.etcdMembers();
    expect(await memberNames(copyMembers[2].clientPort)).toEqual([
      'node0',
      'node1',
      'node2',
    ]);
    // Restored, not grown: no member was added to a running cluster meanwhile (ha is up by now).
    expect(
      logLines
        .slice(linesBeforeCopy)
        .filter(line => line.startsWith('adding etcd member')),
    ).toEqual([]);
    const hc = await waitFor('copy to report its restore', async () => {
      const current = await readCluster('copy');
      return condition(current, ETCD_SNAPSHOT_RESTORED_CONDITION)?.status ===
        'True'
        ? current
        : undefined;
    });
    expect(condition(hc, ETCD_SNAPSHOT_RESTORED_CONDITION).reason).toBe(
      'AsExpected',
    );
    expect(fs.existsSync(copy.etcdRestoreDir)).toBe(false);
    expect(JSON.stringify(hc.status.conditions)).not.toContain(SIGNATURE);
    expectNoSignatureLogged();
    // A tenant that exists ignores the field: restarted, it keeps what was written since.
    createConfigMap(copy, 'after-restore');
    await copy.stop();
    await copy.up();
    expect(configMaps(copy)).toEqual([
      'after-restore=after-restore-value',
      'before-backup=before-backup-value',
    ]);
  });

  it('restores a highly available tenant in place from one snapshot: later objects gone, members agree, old revisions compacted', async () => {
    const ha = await runningTenant('ha');
    const members = ha.etcdMembers();
    expect(members).toHaveLength(3);
    // Every member runs with the quota tests set.
    for (const index of [0, 1, 2]) {
      const pidFile = path.join(
        ha.clusterDir,
        'pids',
        `${index === 0 ? 'etcd' : `etcd-${index}`}.pid`,
      );
      const cmdline = fs
        .readFileSync(
          `/proc/${fs.readFileSync(pidFile, 'utf8').trim()}/cmdline`,
        )
        .toString();
      expect(cmdline).toContain(`--quota-backend-bytes=${QUOTA_BYTES}`);
    }

    createConfigMap(ha, 'before-backup');
    // Taken from a member other than the first: every member is restored from this one file.
    const snapshot = await saveSnapshot(
      members[1].clientPort,
      path.join(context.workdir, 'ha.db'),
    );
    createConfigMap(ha, 'after-backup');
    const revisionBefore = await revisionOf(members[0].clientPort);

    // A file that is no snapshot is refused before anything is touched.
    const garbage = path.join(context.workdir, 'garbage.db');
    fs.writeFileSync(garbage, 'not an etcd snapshot'.repeat(100));
    snapshots.publish('garbage.db', garbage);
    const pidsBefore = ha.processIds().sort();
    await annotate(
      'ha',
      ETCD_RESTORE_REQUEST_ANNOTATION,
      JSON.stringify({ id: 'bad', url: snapshots.url('garbage.db') }),
    );
    const refused = await waitFor('the bad restore to be refused', async () => {
      const c = condition(
        await readCluster('ha'),
        ETCD_SNAPSHOT_RESTORED_CONDITION,
      );
      return c?.status === 'False' ? c : undefined;
    });
    expect(refused.reason).toBe('SnapshotInvalid');
    expect(refused.message).toMatch(/^restore request bad: /);
    expect(ha.processIds().sort()).toEqual(pidsBefore);
    expect(configMaps(ha)).toEqual([
      'after-backup=after-backup-value',
      'before-backup=before-backup-value',
    ]);

    snapshots.publish('ha.db', snapshot);
    await annotate(
      'ha',
      ETCD_RESTORE_REQUEST_ANNOTATION,
      JSON.stringify({ id: 'r1', url: snapshots.url('ha.db') }),
    );
    await standinLog.waitForTenant('ha to answer restore r1', async () => {
      const hc = await readCluster('ha');
      return hc?.metadata?.annotations?.[ETCD_RESTORED_ANNOTATION] === 'r1' &&
        condition(hc, 'Available')?.status === 'True'
        ? true
        : undefined;
    });
    expect(configMaps(ha)).toEqual(['before-backup=before-backup-value']);

    // All three healthy, on one revision past everything a client saw before.
    const revisions = await waitFor(
      'the members to agree on a revision',
      async () => {
        const seen = await Promise.all(
          members.map(m => revisionOf(m.clientPort)),
        );
        return seen.every(r => r === seen[0]) ? seen : undefined;
      },
    );
    expect(revisions[0]).toBeGreaterThan(revisionBefore);
    expect(await memberNames(members[2].clientPort)).toEqual([
      'node0',
      'node1',
      'node2',
    ]);
    // A watch resumed from before the restore is told to list again, not served old data.
    const stale = await etcdPost(members[2].clientPort, '/v3/kv/range', {
      key: Buffer.from('/registry/').toString('base64'),
      range_end: Buffer.from('/registry0').toString('base64'),
      revision: String(revisionBefore),
    });
    expect(JSON.stringify(stale)).toMatch(/compacted/);
    // Reported with the next status the stand-in writes, just after the annotation.
    const done = await waitFor('ha to report its restore', async () => {
      const c = condition(
        await readCluster('ha'),
        ETCD_SNAPSHOT_RESTORED_CONDITION,
      );
      return c?.status === 'True' ? c : undefined;
    });
    expect(done).toMatchObject({ reason: 'AsExpected' });
    expect(done.message).toMatch(/^etcd was restored in place for request r1/);
    expect(JSON.stringify(done)).not.toContain(SIGNATURE);
    expectNoSignatureLogged();
    expect(fs.existsSync(path.join(ha.etcdRestoreDir, 'in-place.json'))).toBe(
      false,
    );
    expect(
      members.map((_, i) =>
        fs.existsSync(`${ha.etcdMemberDataDir(i)}.before-restore`),
      ),
    ).toEqual([false, false, false]);
  });

  it('resets a member removed to be replaced, and one whose data is gone once its pod is made anew', async () => {
    const ha = operator.tenant('clusters', 'ha')!;
    const members = ha.etcdMembers();
    const namespace = controlPlaneNamespace('clusters', 'ha');
    // Asked of member 1, which this test leaves running.
    const memberId = async (index: number) =>
      (
        (await etcdPost(members[1].clientPort, '/v3/cluster/member/list', {}))
          .members as any[]
      ).find(m =>
        m.peerURLs.includes(`http://127.0.0.1:${members[index].peerPort}`),
      )?.ID as string | undefined;
    const allHealthy = (what: string) =>
      standinLog.waitForTenant(what, async () => {
        const listed = await memberNames(members[1].clientPort);
        const health = await Promise.all(
          members.map(m =>
            fetch(`http://127.0.0.1:${m.clientPort}/health`)
              .then(r => r.json())
              .then(h => h.health === 'true')
              .catch(() => false),
          ),
        );
        return listed.join(',') === 'node0,node1,node2' && health.every(Boolean)
          ? true
          : undefined;
      });

    // Member 2 fails for good and is removed through etcd's API, as the backend replaces it.
    const removed = (await memberId(2))!;
    ha.killEtcdMember(2, { wipeData: true });
    await waitFor('member 2 to be removed', async () => {
      const answer = await etcdPost(
        members[0].clientPort,
        '/v3/cluster/member/remove',
        { ID: removed },
      ).catch(error => ({ error: String(error) }));
      // Asked again when it timed out; an earlier attempt may have been applied meanwhile.
      return !answer.error || /member not found/.test(answer.error)
        ? true
        : undefined;
    });
    await hubCore().deleteNamespacedPod({ namespace, name: 'etcd-2' });
    await allHealthy('member 2 added again and healthy');
    expect(await memberId(2)).not.toBe(removed);

    // The first member (kwokctl's) loses its data but stays listed: reset when its pod is new.
    await waitFor('the pod etcd-0 to exist', async () =>
      (await hubCore()
        .readNamespacedPod({ namespace, name: 'etcd-0' })
        .catch(() => undefined))
        ? true
        : undefined,
    );
    const first = (await memberId(0))!;
    ha.killEtcdMember(0, { wipeData: true });
    await waitFor('the stand-in to notice member 0 lost', async () =>
      logLines.some(l =>
        l.includes('etcd member 0 of clusters/ha lost its data'),
      )
        ? true
        : undefined,
    );
    expect(await memberId(0)).toBe(first);
    await hubCore().deleteNamespacedPod({ namespace, name: 'etcd-0' });
    await allHealthy('member 0 reset and healthy');
    expect(await memberId(0)).not.toBe(first);
    // The API server still writes through the members it has.
    createConfigMap(ha, 'after-reset');
    // Started again by kwokctl, the reset member keeps its place in the cluster.
    await ha.stop();
    await ha.up();
    await allHealthy('every member healthy after a restart');
    expect(configMaps(ha)).toEqual([
      'after-reset=after-reset-value',
      'before-backup=before-backup-value',
    ]);
  });
});
