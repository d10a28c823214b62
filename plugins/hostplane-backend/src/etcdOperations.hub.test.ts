import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import {
  LOCAL_HUB_RELEASES,
  StandinLog,
  StandinOperator,
  describeClusterStatus,
  hubBinaries,
  useTestHub,
} from '@hostplane/local-hub';
import {
  ETCD_RESTORE_REQUEST_ANNOTATION,
  clusterApiPath,
} from '@hostplane/plugin-hostplane-common';
import { backupObjectKeys, waitFor } from '@hostplane/plugin-hostplane-node';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Watch,
} from '@kubernetes/client-node';
import request from 'supertest';
import {
  TestServer,
  startHostplane,
  waitForOperation,
} from './__testUtils__/hostplaneBackend';
import { backupKeySecretName } from './backups/backupKeys';
import { HubEtcd } from './etcd';
import {
  deletePrefix,
  fillEtcd,
  putKeys,
  readKeys,
} from './etcd/__testUtils__/fragmentEtcd';

jest.setTimeout(600_000);

const run = promisify(execFile);
const NAMESPACE = 'tenants-team-a';
const MiB = 1024 * 1024;
/** Small enough to fill in seconds, large enough for a fresh control plane's data. */
const QUOTA_BYTES = 32 * MiB;

/*
 * Backups, restores and etcd maintenance as operations, end to end: the backend (its engine,
 * routes and a directory store) against the local hub, whose stand-in runs each tenant's real
 * etcd and API server and honours restoreSnapshotURL and the in-place restore request.
 */
describe('etcd operations against the local hub', () => {
  let operator: StandinOperator;
  let backend: TestServer;
  afterAll(async () => {
    await backend?.stop();
    await operator?.stop();
  });
  const context = useTestHub('etcd-ops');
  const standinLog = new StandinLog();
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const logged: string[] = [];
  const responses: string[] = [];
  let backupDir: string;
  /** Restore URLs seen on the hub: credentials while they last. */
  const restoreUrls: string[] = [];

  const hub = () => context.hub.kubeConfig();
  const record = (response: request.Response) => {
    responses.push(response.text);
    return response;
  };
  const api = {
    get: (url: string) =>
      request(backend.server).get(`/api/hostplane${url}`).then(record),
    post: (url: string, body: object) =>
      request(backend.server)
        .post(`/api/hostplane${url}`)
        .send(body)
        .then(record),
    patch: (url: string, body: object) =>
      request(backend.server)
        .patch(`/api/hostplane${url}`)
        .send(body)
        .then(record),
  };

  /** Starts a change and waits for its operation to finish, succeeded or failed. */
  const change = async (cluster: string, body: object) => {
    const started = await api.patch(clusterApiPath('local', cluster), body);
    expect({ status: started.status, body: started.body }).toMatchObject({
      status: 202,
    });
    return waitFor(
      `operation ${started.body.id}`,
      async () => {
        const op = (await api.get(`/operations/${started.body.id}`)).body;
        return op.state === 'running' ? undefined : op;
      },
      { timeoutMs: 240_000 },
    );
  };

  const create = async (name: string, extra: object = {}) => {
    const created = await api.post('/clusters', {
      name,
      owner: 'group:default/team-a',
      hub: 'local',
      version: 'v1.37.2',
      nodePools: [
        { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
      ],
      ...extra,
    });
    expect({ status: created.status, body: created.body }).toMatchObject({
      status: 202,
    });
    const operation = await standinLog.explainFailure(
      waitForOperation(backend.server, created.body.id),
    );
    // The stand-in takes the cluster over from the KWOK Stages and starts its real processes; it
    // is real once its endpoint is the local API server's.
    await standinLog.waitForTenant(`${name} to run for real`, async () => {
      const { body } = await api.get(clusterApiPath('local', name));
      if (
        body.phase === 'Ready' &&
        body.endpoint?.startsWith('https://127.0.0.1')
      ) {
        return true;
      }
      throw new Error(describeClusterStatus(body));
    });
    return operation;
  };

  const etcdOf = (name: string, pods = ['etcd-0']) =>
    new HubEtcd(hub(), { namespace: `${NAMESPACE}-${name}`, pods });

  /** The tenant's admin kubeconfig, from its hub Secret, as a file kubectl reads. */
  const tenantKubeconfig = async (name: string) => {
    const secret = await hub()
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({
        namespace: NAMESPACE,
        name: `${name}-admin-kubeconfig`,
      });
    const file = path.join(context.workdir, `${name}.kubeconfig`);
    fs.writeFileSync(
      file,
      Buffer.from(secret.data!.kubeconfig, 'base64').toString(),
      { mode: 0o600 },
    );
    return file;
  };
  const kubectl = async (name: string, ...args: string[]) =>
    (
      await run(hubBinaries().kubectl, [
        '--kubeconfig',
        await tenantKubeconfig(name),
        ...args,
      ])
    ).stdout;
  const configMaps = async (name: string) =>
    (
      await kubectl(
        name,
        'get',
        'configmaps',
        '-n',
        'default',
        '-l',
        'hostplane-test=etcd-ops',
        '-o',
        'jsonpath={.items[*].metadata.name}',
      )
    )
      .split(' ')
      .filter(Boolean)
      .sort();
  const makeConfigMap = (name: string, configMap: string) =>
    kubectl(
      name,
      'create',
      'configmap',
      configMap,
      '-n',
      'default',
      `--from-literal=value=${configMap}`,
    ).then(() =>
      kubectl(
        name,
        'label',
        'configmap',
        configMap,
        '-n',
        'default',
        'hostplane-test=etcd-ops',
      ),
    );

  const hostedCluster = (name: string): Promise<any> =>
    hub().makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: 'hypershift.openshift.io',
      version: 'v1beta1',
      namespace: NAMESPACE,
      plural: 'hostedclusters',
      name,
    });

  const takeBackup = async (name: string) => {
    const op = await change(name, { action: 'backup' });
    expect({ state: op.state, error: op.error }).toEqual({
      state: 'succeeded',
      error: undefined,
    });
    const list = (await api.get(`${clusterApiPath('local', name)}/backups`))
      .body;
    return list.items[0];
  };

  beforeAll(async () => {
    for (const level of ['error', 'warn', 'info', 'debug'] as const) {
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(
          args
            .map(a => (typeof a === 'string' ? a : JSON.stringify(a)))
            .join(' '),
        );
      });
    }
    operator = new StandinOperator({
      hubKubeConfig: hub(),
      maxRealTenants: 3,
      tenantsWorkdir: path.join(context.workdir, 'tenants'),
      probeIntervalMs: 500,
      etcdQuotaBackendBytes: QUOTA_BYTES,
      log: standinLog.log,
    });
    await operator.start();
    backupDir = path.join(context.workdir, 'backups');
    backend = await startHostplane({
      kubeconfig: context.hub.kubeconfigPath,
      knex: await databases.init('SQLITE_3'),
      config: {
        hostplane: {
          hubs: [
            {
              name: 'local',
              kubeconfig: context.hub.kubeconfigPath,
              releases: LOCAL_HUB_RELEASES,
              backups: { directory: { path: backupDir } },
            },
          ],
          operations: { waitTimeoutSeconds: 180 },
        },
      },
      features: [mockServices.rootLogger.factory({ level: 'debug' })],
    });
    await Promise.all([
      create('source'),
      create('ha', { availability: 'HighlyAvailable' }),
    ]);
  });

  let sourceBackup: any;

  it('backs up a tenant with known keys and restores it into a new cluster through restoreSnapshotURL', async () => {
    const known = {
      'hostplane-test/known/a': 'alpha',
      'hostplane-test/known/b': 'beta',
    };
    await putKeys(etcdOf('source'), known);
    await makeConfigMap('source', 'made-before-backup');

    sourceBackup = await takeBackup('source');
    expect(sourceBackup).toMatchObject({
      trigger: 'manual',
      requestedBy: 'user:default/mock',
      member: expect.any(String),
      kubernetesVersion: 'v1.37.2',
    });
    expect(sourceBackup.durationMs).toBeGreaterThanOrEqual(0);
    expect(sourceBackup.sizeBytes).toBeGreaterThan(0);
    const list = (await api.get(`${clusterApiPath('local', 'source')}/backups`))
      .body;
    expect(list).toMatchObject({
      store: 'directory',
      policy: { retention: 7 },
      lastSuccessfulAt: sourceBackup.createdAt,
      nextScheduledAt: expect.any(String),
    });

    const restored = await create('restored', {
      restoreFrom: {
        hub: 'local',
        cluster: 'source',
        backupId: sourceBackup.id,
      },
    });
    expect(restored.steps[0]).toMatchObject({
      name: 'verifyBackup',
      state: 'succeeded',
    });
    const hc = await hostedCluster('restored');
    expect(hc.spec.etcd.managed.storage.restoreSnapshotURL).toEqual([
      expect.stringMatching(/\/api\/hostplane\/restore-snapshots\/[^/]+$/),
    ]);
    restoreUrls.push(hc.spec.etcd.managed.storage.restoreSnapshotURL[0]);

    expect(await readKeys(etcdOf('restored'), 'hostplane-test/known/')).toEqual(
      known,
    );
    expect(await configMaps('restored')).toEqual(['made-before-backup']);
    // The cluster carries the backup's etcd encryption key: its data reads as it did.
    const keyOf = async (name: string) =>
      (
        await hub()
          .makeApiClient(CoreV1Api)
          .readNamespacedSecret({
            namespace: NAMESPACE,
            name: `${name}-etcd-encryption-key`,
          })
      ).data;
    expect(await keyOf('restored')).toEqual(await keyOf('source'));
  });

  let haBackup: any;

  it('refuses a corrupted, a wrongly keyed and a truncated backup before anything is touched', async () => {
    await makeConfigMap('ha', 'made-before-backup');
    haBackup = await takeBackup('ha');
    const keys = backupObjectKeys({
      hub: 'local',
      namespace: NAMESPACE,
      cluster: 'ha',
      id: haBackup.id,
    });
    const object = path.join(backupDir, keys.object);
    const original = fs.readFileSync(object);
    const core = hub().makeApiClient(CoreV1Api);
    const keySecret = {
      namespace: NAMESPACE,
      name: backupKeySecretName('ha'),
    };
    const originalKey = await core.readNamespacedSecret(keySecret);

    const restoreRefused = async (pattern: RegExp) => {
      const op = await change('ha', {
        action: 'restore',
        backupId: haBackup.id,
        confirmName: 'ha',
      });
      expect({ state: op.state, error: op.error }).toEqual({
        state: 'failed',
        error: expect.stringMatching(pattern),
      });
      expect(op.steps.map((s: any) => s.state)).toEqual([
        'failed',
        'pending',
        'pending',
        'pending',
      ]);
      const hc = await hostedCluster('ha');
      expect(
        hc.metadata.annotations?.[ETCD_RESTORE_REQUEST_ANNOTATION],
      ).toBeUndefined();
    };

    const corrupted = Buffer.from(original);
    corrupted[Math.floor(corrupted.length / 2)] ^= 0xff;
    fs.writeFileSync(object, corrupted);
    await restoreRefused(/^Verify the backup.*: The backup is corrupted/);

    fs.writeFileSync(object, original.subarray(0, original.length - 1000));
    await restoreRefused(/The backup is truncated/);
    fs.writeFileSync(object, original);

    // The same key id with other material: a key this hub does not hold.
    await core.replaceNamespacedSecret({
      ...keySecret,
      body: {
        metadata: { name: keySecret.name, namespace: NAMESPACE },
        data: {
          ...originalKey.data,
          key: Buffer.alloc(32, 7).toString('base64'),
        },
      },
    });
    await restoreRefused(/encrypted with a key this cluster does not hold/);
    await core.replaceNamespacedSecret({
      ...keySecret,
      body: {
        metadata: { name: keySecret.name, namespace: NAMESPACE },
        data: originalKey.data,
      },
    });

    const mistyped = await api.patch(clusterApiPath('local', 'ha'), {
      action: 'restore',
      backupId: haBackup.id,
      confirmName: 'not-ha',
    });
    expect(mistyped.status).toBe(400);
    expect(mistyped.body.issues[0].path).toEqual(['confirmName']);
    expect(await configMaps('ha')).toEqual(['made-before-backup']);
  });

  it('restores a HighlyAvailable tenant in place: every member from one snapshot, later objects gone, old watches not served stale data', async () => {
    await makeConfigMap('ha', 'made-after-backup');
    expect(await configMaps('ha')).toEqual([
      'made-after-backup',
      'made-before-backup',
    ]);
    const tenant = new KubeConfig();
    tenant.loadFromFile(await tenantKubeconfig('ha'));
    const listed: any = await tenant
      .makeApiClient(CoreV1Api)
      .listNamespacedConfigMap({ namespace: 'default' });
    const seenRevision = listed.metadata.resourceVersion;

    const op = await change('ha', {
      action: 'restore',
      backupId: haBackup.id,
      confirmName: 'ha',
    });
    expect({ state: op.state, error: op.error }).toEqual({
      state: 'succeeded',
      error: undefined,
    });
    expect(await configMaps('ha')).toEqual(['made-before-backup']);
    const hc = await hostedCluster('ha');
    expect(
      hc.metadata.annotations?.[ETCD_RESTORE_REQUEST_ANNOTATION],
    ).toBeUndefined();
    const health = (await api.get(`${clusterApiPath('local', 'ha')}/etcd`))
      .body;
    expect(
      health.members.map((m: any) => [m.pod, m.reachable, m.error]),
    ).toEqual([
      ['etcd-0', true, undefined],
      ['etcd-1', true, undefined],
      ['etcd-2', true, undefined],
    ]);
    expect(new Set(health.members.map((m: any) => m.raftIndex)).size).toBe(1);

    // A watch resumed from what a client saw before the restore is told its view is gone (410),
    // rather than served the rolled-back keyspace as if it continued.
    const resumed = await new Promise<{ code?: number; phase: string }>(
      resolve => {
        new Watch(tenant)
          .watch(
            '/api/v1/namespaces/default/configmaps',
            { resourceVersion: seenRevision },
            (phase, object) => {
              if (phase === 'ERROR') resolve({ phase, code: object.code });
              else resolve({ phase });
            },
            error => resolve({ phase: 'closed', code: error?.statusCode }),
          )
          .catch(error => resolve({ phase: 'refused', code: error.code }));
      },
    );
    expect(resumed).toMatchObject({ code: 410 });
  });

  it('defragments every member, and recovers a tenant from NOSPACE with one action', async () => {
    const etcd = etcdOf('source');
    const [defragmented, filled] = await Promise.all([
      change('ha', { action: 'defragment' }),
      fillEtcd(etcd, {
        sizeBytes: QUOTA_BYTES + 4 * MiB,
        prefix: 'hostplane-test/fill/',
      }).then(
        () => 'filled past the quota without a refusal',
        (error: Error) => error.message,
      ),
    ]);
    expect(filled).toMatch(/space exceeded|NOSPACE/i);
    expect({ state: defragmented.state, error: defragmented.error }).toEqual({
      state: 'succeeded',
      error: undefined,
    });
    const alarmed = (await api.get(`${clusterApiPath('local', 'source')}/etcd`))
      .body;
    expect(alarmed.members[0].alarms).toEqual(['NOSPACE']);
    // What filled it is deleted (deletes are allowed under NOSPACE); the space is not yet free.
    await deletePrefix(etcd, 'hostplane-test/fill/');

    const recovered = await change('source', { action: 'recoverEtcdSpace' });
    expect({ state: recovered.state, error: recovered.error }).toEqual({
      state: 'succeeded',
      error: undefined,
    });
    const after = (await api.get(`${clusterApiPath('local', 'source')}/etcd`))
      .body;
    expect(after.members[0].alarms).toEqual([]);
    expect(after.members[0].dbSizeBytes).toBeLessThan(QUOTA_BYTES / 2);
    await putKeys(etcd, { 'hostplane-test/after-recovery': 'writable' });
  });

  it('replaces a member of a HighlyAvailable tenant, quorum kept: the new member joins and syncs', async () => {
    const health = async () =>
      (await api.get(`${clusterApiPath('local', 'ha')}/etcd`)).body.members;
    const before = (await health()).find((m: any) => m.pod === 'etcd-1');
    const replaced = await change('ha', {
      action: 'replaceEtcdMember',
      member: 1,
    });
    expect({ state: replaced.state, error: replaced.error }).toEqual({
      state: 'succeeded',
      error: undefined,
    });
    const after = await health();
    expect(after.map((m: any) => [m.pod, m.reachable, m.learner])).toEqual([
      ['etcd-0', true, false],
      ['etcd-1', true, false],
      ['etcd-2', true, false],
    ]);
    expect(after.find((m: any) => m.pod === 'etcd-1').id).not.toBe(before.id);
    expect(await configMaps('ha')).toEqual(['made-before-backup']);
  });

  it('puts no credential in any log line or response', async () => {
    const core = hub().makeApiClient(CoreV1Api);
    const secrets: string[] = [...restoreUrls];
    for (const name of ['source', 'ha', 'restored']) {
      const backupKey = await core.readNamespacedSecret({
        namespace: NAMESPACE,
        name: backupKeySecretName(name),
      });
      secrets.push(backupKey.data!.key);
      secrets.push(Buffer.from(backupKey.data!.key, 'base64').toString('hex'));
      const encryption = await core.readNamespacedSecret({
        namespace: NAMESPACE,
        name: `${name}-etcd-encryption-key`,
      });
      secrets.push(Buffer.from(encryption.data!.key, 'base64').toString());
    }
    // Each restore URL's token: its signature alone is enough to use it.
    secrets.push(...restoreUrls.map(url => url.split('.').pop()!));
    expect(logged.length).toBeGreaterThan(0);
    expect(responses.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(logged.filter(line => line.includes(secret))).toEqual([]);
      expect(responses.filter(body => body.includes(secret))).toEqual([]);
    }
    expect(
      responses.filter(body => body.includes('restore-snapshots/')),
    ).toEqual([]);
  });
});
