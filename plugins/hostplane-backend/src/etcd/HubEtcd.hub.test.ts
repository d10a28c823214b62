import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CustomObjectsApi, KubernetesObjectApi } from '@kubernetes/client-node';
import {
  LOCAL_HUB_FIELD_MANAGER,
  StandinLog,
  StandinOperator,
  applyRealTenants,
  controlPlaneNamespace,
  describeConditions,
  hubBinaries,
  useTestHub,
  versions,
} from '@hostplane/local-hub';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import {
  deletePrefix,
  fillEtcd,
  putKeys,
  readKeys,
} from './__testUtils__/fragmentEtcd';
import { TlsEtcd, startTlsEtcd } from './__testUtils__/tlsEtcd';
import {
  DEFAULT_DEFRAGMENTATION_THRESHOLDS,
  defragmentationPlan,
} from './defragmentationPlan';
import { EtcdRequestError } from './errors';
import { HubEtcd } from './HubEtcd';

jest.setTimeout(600_000);

const MiB = 1024 * 1024;
const ETCD_VERSION = versions.etcd.replace(/^v/, '');

describe('HubEtcd: a tenant etcd through the hub', () => {
  let operator: StandinOperator;
  let tlsEtcd: TlsEtcd | undefined;
  // Declared before the hub's own teardown, so these stop before the hub goes.
  afterAll(async () => {
    await operator?.stop();
    await tlsEtcd?.stop();
  });
  const context = useTestHub('hub-etcd');
  const standinLog = new StandinLog();
  const kubeConfig = () => context.hub.kubeConfig();

  /** A single-replica tenant and a HighlyAvailable one (3 etcd members), both real. */
  const single = () =>
    new HubEtcd(kubeConfig(), {
      namespace: controlPlaneNamespace('clusters', 'alpha'),
      pods: ['etcd-0'],
      clientTlsSecret: 'etcd-client-tls',
    });
  const ha = (pods = ['etcd-0', 'etcd-1', 'etcd-2']) =>
    new HubEtcd(kubeConfig(), {
      namespace: controlPlaneNamespace('clusters', 'ha'),
      pods,
    });

  const available = (name: string) =>
    standinLog.waitForTenant(`${name} to be Available`, async () => {
      const hc: any = await kubeConfig()
        .makeApiClient(CustomObjectsApi)
        .getNamespacedCustomObject({
          group: 'hypershift.openshift.io',
          version: 'v1beta1',
          namespace: 'clusters',
          plural: 'hostedclusters',
          name,
        });
      const conditions = hc.status?.conditions ?? [];
      // Its release Completed once the control-plane pods, etcd's among them, run.
      if (
        conditions.some(
          (c: any) => c.type === 'Available' && c.status === 'True',
        ) &&
        hc.status?.version?.history?.[0]?.state === 'Completed'
      ) {
        return hc;
      }
      throw new Error(
        `release ${
          hc.status?.version?.history?.[0]?.state ?? 'not started'
        }, conditions ${describeConditions(conditions)}`,
      );
    });

  beforeAll(async () => {
    operator = new StandinOperator({
      hubKubeConfig: kubeConfig(),
      maxRealTenants: 2,
      tenantsWorkdir: path.join(context.workdir, 'tenants'),
      probeIntervalMs: 500,
      log: standinLog.log,
    });
    await operator.start();
    const tenant = (name: string, highlyAvailable: boolean) => ({
      namespace: 'clusters',
      name,
      owner: 'team-a',
      kubernetesVersion: versions.kubernetes,
      phase: 'Ready' as const,
      highlyAvailable,
      pools: [],
    });
    await applyRealTenants(
      kubeConfig(),
      [tenant('alpha', false), tenant('ha', true)],
      LOCAL_HUB_FIELD_MANAGER,
    );
    await Promise.all([available('alpha'), available('ha')]);
    // Available can come a moment before KWOK serves the pods' port-forwards.
    await waitFor('every etcd member to answer through the hub', async () => {
      const members = [
        ...(await single().members()),
        ...(await ha().members()),
      ];
      return members.every(m => m.reachable) ? true : undefined;
    });
  }, 600_000);

  it("reads each member's health: one leader, sizes, raft, version, no alarms", async () => {
    const [alone] = await single().members();
    expect(alone).toMatchObject({
      pod: 'etcd-0',
      reachable: true,
      leader: true,
      learner: false,
      version: ETCD_VERSION,
      alarms: [],
    });
    expect(alone.error).toBeUndefined();
    expect(alone.id).toMatch(/^[0-9a-f]+$/);
    expect(alone.dbSizeBytes).toBeGreaterThan(0);
    expect(alone.dbSizeInUseBytes).toBeLessThanOrEqual(alone.dbSizeBytes!);
    expect(alone.fragmentation).toBeGreaterThanOrEqual(0);
    expect(alone.raftIndex).toBeGreaterThan(0);
    expect(alone.raftTerm).toBeGreaterThan(0);

    const members = await ha().members();
    expect(members.map(m => [m.pod, m.reachable, m.error])).toEqual([
      ['etcd-0', true, undefined],
      ['etcd-1', true, undefined],
      ['etcd-2', true, undefined],
    ]);
    expect(members.filter(m => m.leader)).toHaveLength(1);
    expect(new Set(members.map(m => m.id)).size).toBe(3);
    expect(new Set(members.map(m => m.raftTerm)).size).toBe(1);
    // The stand-in names its members node<i> after their pods' ordinals.
    expect(members.map(m => m.name)).toEqual(['node0', 'node1', 'node2']);
  });

  it('reports a member it cannot reach as a value naming its pod, matched to the membership', async () => {
    const members = await ha(['etcd-0', 'etcd-1', 'etcd-7']).members();
    const namespace = controlPlaneNamespace('clusters', 'ha');
    expect(members[2]).toMatchObject({
      pod: 'etcd-7',
      reachable: false,
      leader: false,
      // The one member no reachable pod runs.
      name: 'node2',
    });
    expect(members[2].id).toMatch(/^[0-9a-f]+$/);
    expect(members[2].error).toContain(`${namespace}/etcd-7`);
    expect(members[0].reachable && members[1].reachable).toBe(true);
  });

  it('streams a snapshot of a ~100 MB tenant that etcdutl restores, holding memory while its reader pauses', async () => {
    const etcd = single();
    await putKeys(etcd, { 'hostplane-test/known/a': 'alpha' });
    const fillStart = Date.now();
    await fillEtcd(etcd, {
      sizeBytes: 110 * MiB,
      prefix: 'hostplane-test/fill/',
    });
    const fillMs = Date.now() - fillStart;

    const snapshot = await etcd.snapshot();
    expect(snapshot.pod).toBe('etcd-0');
    expect(snapshot.info.member).toBe('node0');
    expect(snapshot.info.version).toBe(ETCD_VERSION);
    expect(snapshot.info.dbSizeBytes).toBeGreaterThan(110 * MiB);
    expect(snapshot.storageVersion).toMatch(/^3\.6\./);

    // Unread for a while, the stream holds a few buffers, not the snapshot: the port-forward's
    // socket is paused, so etcd is held back through the hub.
    const buffersBefore = process.memoryUsage().arrayBuffers;
    await new Promise(resolve => setTimeout(resolve, 2_000));
    expect(snapshot.stream.readableLength).toBeLessThan(1 * MiB);
    expect(process.memoryUsage().arrayBuffers - buffersBefore).toBeLessThan(
      16 * MiB,
    );

    const file = path.join(context.workdir, 'alpha.snapshot');
    const started = Date.now();
    await pipeline(snapshot.stream, fs.createWriteStream(file));
    const seconds = (Date.now() - started) / 1000;
    const bytes = fs.statSync(file).size;
    process.stdout.write(
      `snapshot through the hub: ${(bytes / MiB).toFixed(
        1,
      )} MiB in ${seconds.toFixed(1)} s (${(bytes / MiB / seconds).toFixed(
        1,
      )} MiB/s); filling it took ${(fillMs / 1000).toFixed(1)} s\n`,
    );

    const content = fs.readFileSync(file);
    expect(content.length).toBe(snapshot.info.dbSizeBytes + 32);
    const dbHash = createHash('sha256')
      .update(content.subarray(0, snapshot.info.dbSizeBytes))
      .digest();
    expect(snapshot.sha256()).toBe(dbHash.toString('hex'));
    expect(content.subarray(snapshot.info.dbSizeBytes).equals(dbHash)).toBe(
      true,
    );

    const status = JSON.parse(
      execFileSync(hubBinaries().etcdutl, [
        'snapshot',
        'status',
        file,
        '--write-out',
        'json',
      ]).toString(),
    );
    expect(status.revision).toBeGreaterThanOrEqual(snapshot.info.revision);
    expect(status.totalSize).toBe(snapshot.info.dbSizeBytes);
    // A restore checks the trailing SHA-256, as it does for etcdctl's own snapshots.
    execFileSync(hubBinaries().etcdutl, [
      'snapshot',
      'restore',
      file,
      '--data-dir',
      path.join(context.workdir, 'alpha-restored'),
    ]);
  });

  it('closes the connection of a snapshot its reader gives up: etcd lets it go, and a defragmentation, which waits for open snapshots, completes', async () => {
    const etcd = single();
    const abandoned = await etcd.snapshot();
    // A chunk read, then given up, with most of the ~100 MB still to come.
    await new Promise(resolve => abandoned.stream.once('readable', resolve));
    expect(abandoned.stream.read()).not.toBeNull();
    abandoned.stream.destroy();
    const outcome = await Promise.race([
      etcd.defragment('etcd-0'),
      new Promise(resolve =>
        setTimeout(() => resolve('still waiting'), 60_000),
      ),
    ]);
    expect(outcome).toMatchObject({ pod: 'etcd-0' });
  });

  it('defragments the member the plan picks once its data is deleted and compacted, and it shrinks', async () => {
    const etcd = single();
    await deletePrefix(etcd, 'hostplane-test/fill/');
    await etcd.compact(await etcd.revision());
    const [fragmented] = await etcd.members();
    expect(fragmented.dbSizeBytes).toBeGreaterThanOrEqual(100 * MiB);
    expect(fragmented.fragmentation).toBeGreaterThanOrEqual(0.45);

    const plan = defragmentationPlan(
      await etcd.members(),
      DEFAULT_DEFRAGMENTATION_THRESHOLDS,
    );
    expect(plan.map(m => m.pod)).toEqual(['etcd-0']);
    const result = await etcd.defragment('etcd-0');
    expect(result.dbSizeBytesBefore).toBeGreaterThanOrEqual(100 * MiB);
    expect(result.dbSizeBytesAfter).toBeLessThan(result.dbSizeBytesBefore / 4);

    const [after] = await etcd.members();
    expect(after.fragmentation).toBeLessThan(0.45);
    expect(
      defragmentationPlan([after], DEFAULT_DEFRAGMENTATION_THRESHOLDS),
    ).toEqual([]);
    // The data that was kept is still there.
    expect(await readKeys(etcd, 'hostplane-test/known/')).toEqual({
      'hostplane-test/known/a': 'alpha',
    });
  });

  it('compacts the history: a revision before the compaction can no longer be read', async () => {
    const etcd = single();
    const before = await putKeys(etcd, { 'hostplane-test/history/k': 'one' });
    const now = await putKeys(etcd, { 'hostplane-test/history/k': 'two' });
    expect(
      await readKeys(etcd, 'hostplane-test/history/', { revision: before }),
    ).toEqual({ 'hostplane-test/history/k': 'one' });
    await etcd.compact(now);
    const stale = readKeys(etcd, 'hostplane-test/history/', {
      revision: before,
    });
    await expect(stale).rejects.toThrow(EtcdRequestError);
    await expect(stale).rejects.toThrow(
      /pod clusters-alpha\/etcd-0: \/v3\/kv\/range answered 400: etcdserver: mvcc: required revision has been compacted/,
    );
    expect(await etcd.revision()).toBeGreaterThanOrEqual(now);
  });

  it('lists, shows and disarms an alarm', async () => {
    const etcd = single();
    const [member] = await etcd.members();
    await etcd.call('/v3/maintenance/alarm', {
      action: 'ACTIVATE',
      memberID: BigInt(`0x${member.id}`).toString(),
      alarm: 'NOSPACE',
    });
    expect(await etcd.alarms()).toEqual([
      { memberId: member.id, alarm: 'NOSPACE' },
    ]);
    const [alarmed] = await etcd.members();
    expect(alarmed.alarms).toEqual(['NOSPACE']);
    // NOSPACE makes etcd refuse writes until it is disarmed.
    await expect(
      putKeys(etcd, { 'hostplane-test/alarm/k': 'v' }),
    ).rejects.toThrow(/database space exceeded/);

    await etcd.disarm({ memberId: member.id!, alarm: 'NOSPACE' });
    expect(await etcd.alarms()).toEqual([]);
    await putKeys(etcd, { 'hostplane-test/alarm/k': 'v' });
  });

  it('adds a member as a learner and removes it by id', async () => {
    const etcd = ha();
    const added = await etcd.memberAdd(['http://127.0.0.1:9'], {
      learner: true,
    });
    expect(added.id).toMatch(/^[0-9a-f]+$/);
    expect(added).toMatchObject({
      learner: true,
      peerUrls: ['http://127.0.0.1:9'],
    });
    expect((await etcd.memberList()).map(m => m.id)).toContain(added.id);
    await etcd.memberRemove(added.id);
    const left = await etcd.memberList();
    expect(left.map(m => m.id)).not.toContain(added.id);
    expect(left).toHaveLength(3);
  });

  it("snapshots a highly available tenant's follower", async () => {
    const etcd = ha();
    const follower = (await etcd.members()).find(m => !m.leader)!;
    const snapshot = await etcd.snapshot(follower.pod);
    expect(snapshot.pod).toBe(follower.pod);
    expect(snapshot.info.member).toBe(follower.name);
    const chunks: Buffer[] = [];
    for await (const chunk of snapshot.stream) chunks.push(chunk);
    const content = Buffer.concat(chunks);
    expect(content.length).toBe(snapshot.info.dbSizeBytes + 32);
    expect(snapshot.sha256()).toBe(
      createHash('sha256')
        .update(content.subarray(0, snapshot.info.dbSizeBytes))
        .digest('hex'),
    );
  });

  it("speaks TLS with the client certificate from the namespace's Secret, as a HyperShift hub's etcd requires", async () => {
    tlsEtcd = await startTlsEtcd(path.join(context.workdir, 'tls-etcd'));
    const namespace = 'etcd-tls';
    const client = KubernetesObjectApi.makeApiClient(kubeConfig());
    const pem = (value: Buffer) => value.toString('base64');
    for (const object of [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { namespace, name: 'etcd-0' },
        spec: {
          nodeName: 'hub-node-0',
          containers: [
            { name: 'etcd', image: 'registry.hostplane.local/etcd' },
          ],
        },
      },
      // The hub's port-forward to the pod reaches the TLS etcd, as KWOK wires the stand-in's.
      {
        apiVersion: 'kwok.x-k8s.io/v1alpha1',
        kind: 'PortForward',
        metadata: { namespace, name: 'etcd-0' },
        spec: {
          forwards: [
            {
              ports: [2379],
              target: { port: tlsEtcd.port, address: '127.0.0.1' },
            },
          ],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { namespace, name: 'etcd-client-tls' },
        data: {
          'etcd-client.crt': pem(tlsEtcd.clientTls.cert),
          'etcd-client.key': pem(tlsEtcd.clientTls.key),
          'etcd-client-ca.crt': pem(tlsEtcd.clientTls.ca),
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { namespace, name: 'not-a-certificate' },
        data: { unrelated: pem(Buffer.from('x')) },
      },
    ]) {
      await client.create(object);
    }
    const etcd = (clientTlsSecret: string) =>
      new HubEtcd(kubeConfig(), {
        namespace,
        pods: ['etcd-0'],
        clientTlsSecret,
      });

    const [member] = await waitFor('the TLS etcd through the hub', () =>
      etcd('etcd-client-tls')
        .members()
        .then(members => (members[0].reachable ? members : undefined)),
    );
    expect(member).toMatchObject({ name: 'etcd-0', leader: true, alarms: [] });
    const snapshot = await etcd('etcd-client-tls').snapshot();
    let bytes = 0;
    for await (const chunk of snapshot.stream) bytes += chunk.length;
    expect(bytes).toBe(snapshot.info.dbSizeBytes + 32);

    // Without the Secret, etcd is spoken to in plain HTTP, which a TLS etcd refuses.
    const [plain] = await etcd('no-such-secret').members();
    expect(plain.reachable).toBe(false);
    expect(plain.error).toContain(`pod ${namespace}/etcd-0`);
    // A Secret without a certificate is named, and nothing of what it holds.
    const [wrong] = await etcd('not-a-certificate').members();
    expect(wrong.error).toContain(
      `Secret ${namespace}/not-a-certificate holds no etcd client certificate`,
    );
    expect(wrong.error).not.toContain(pem(Buffer.from('x')));
  });
});
