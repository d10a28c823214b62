import { TestDatabases } from '@backstage/backend-test-utils';
import { LocalHub, useTestHub } from '@hostplane/local-hub';
import {
  CLUSTER_LABEL,
  HIBERNATED_REPLICAS_ANNOTATION,
  NODE_POOL_LABEL,
} from '@hostplane/plugin-hostplane-common';
import { ServerSideApplier, waitFor } from '@hostplane/plugin-hostplane-node';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import request from 'supertest';
import {
  TestServer,
  startHostplane,
  waitForOperation,
} from './__testUtils__/hostplaneBackend';

jest.setTimeout(600_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe('tenant cluster lifecycle against the local hub', () => {
  const context = useTestHub('lifecycle');
  let hub: LocalHub;
  beforeAll(() => {
    hub = context.hub;
  });

  const hubObjects = async (
    kind: 'HostedCluster' | 'NodePool' | 'Secret',
    cluster: string,
  ) => {
    const client = KubernetesObjectApi.makeApiClient(hub.kubeConfig());
    const list = await client.list(
      kind === 'Secret' ? 'v1' : 'hypershift.openshift.io/v1beta1',
      kind,
      'tenants-team-a',
      undefined,
      undefined,
      undefined,
      undefined,
      `${CLUSTER_LABEL}=${cluster}`,
    );
    return list.items as any[];
  };

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let backend: TestServer;
    const name = `shop-${databaseId.toLowerCase().replace(/_/g, '')}`;
    const api = () => request(backend.server);
    const cluster = async () =>
      (await api().get(`/api/hostplane/clusters/local/${name}`)).body;
    const change = async (body: object) => {
      const response = await api()
        .patch(`/api/hostplane/clusters/local/${name}`)
        .send(body);
      expect(response.status).toBe(202);
      return waitForOperation(backend.server, response.body.id);
    };
    const pools = async () =>
      Object.fromEntries(
        (await hubObjects('NodePool', name)).map(np => [
          np.metadata.labels[NODE_POOL_LABEL],
          {
            replicas: np.spec.replicas,
            status: np.status?.replicas,
            image: np.spec.release.image,
            annotations: np.metadata.annotations,
          },
        ]),
      );

    beforeAll(async () => {
      backend = await startHostplane({
        kubeconfig: hub.kubeconfigPath,
        knex: await databases.init(databaseId),
      });
    });
    afterAll(async () => {
      await backend?.stop();
    });

    it('creates, scales 2→4→1, upgrades, hibernates, resumes and deletes', async () => {
      const created = await api()
        .post('/api/hostplane/clusters')
        .send({
          name,
          owner: 'group:default/team-a',
          hub: 'local',
          version: 'v1.36.4',
          nodePools: [
            {
              name: 'workers',
              replicas: 2,
              vcpu: 2,
              memoryGiB: 8,
              diskGiB: 40,
            },
          ],
        });
      expect(created.status).toBe(202);
      expect(created.body).toMatchObject({
        type: 'create',
        state: 'running',
        createdBy: 'user:default/mock',
      });

      const second = await api()
        .patch(`/api/hostplane/clusters/local/${name}`)
        .send({ action: 'hibernate' });
      expect([404, 409]).toContain(second.status);

      const done = await waitForOperation(backend.server, created.body.id);
      expect(done.steps.map((s: any) => s.state)).toEqual(
        Array(6).fill('succeeded'),
      );
      expect(await cluster()).toMatchObject({
        phase: 'Ready',
        version: 'v1.36.4',
        owner: 'group:default/team-a',
        nodePools: [{ name: 'workers', phase: 'Ready', currentReplicas: 2 }],
      });
      const [hc] = await hubObjects('HostedCluster', name);
      expect(hc.spec.release.image).toBe(
        'registry.hostplane.local/kubernetes-release:v1.36.4',
      );
      expect(hc.metadata.managedFields.map((f: any) => f.manager)).toContain(
        'hostplane',
      );
      const secrets = (await hubObjects('Secret', name))
        .map(s => s.metadata.name)
        .sort();
      // The audit webhook's credential: threat detection is on by default. No backup key: this
      // backend has no backup store.
      expect(secrets).toEqual([
        `${name}-audit-webhook`,
        `${name}-etcd-encryption-key`,
        `${name}-pull-secret`,
        `${name}-ssh-key`,
      ]);
      const encryptionKey = (await hubObjects('Secret', name)).find(s =>
        s.metadata.name.endsWith('encryption-key'),
      ).data;

      for (const replicas of [4, 1]) {
        await change({ action: 'scale', pool: 'workers', replicas });
        expect((await pools()).workers).toMatchObject({
          replicas,
          status: replicas,
        });
        expect((await cluster()).nodePools[0]).toMatchObject({
          currentReplicas: replicas,
          phase: 'Ready',
        });
      }

      await change({
        action: 'addPool',
        nodePool: {
          name: 'batch',
          autoscaling: { min: 1, max: 3 },
          vcpu: 4,
          memoryGiB: 16,
          diskGiB: 80,
        },
      });
      const [batch] = (await hubObjects('NodePool', name)).filter(
        np => np.metadata.name === `${name}-batch`,
      );
      expect(batch.spec).toMatchObject({
        autoScaling: { min: 1, max: 3 },
        platform: { kubevirt: { compute: { cores: 4 } } },
      });
      expect(batch.spec.replicas).toBeUndefined();
      await change({
        action: 'autoscale',
        pool: 'workers',
        autoscaling: { min: 1, max: 2 },
      });
      expect(
        (await hubObjects('NodePool', name)).find(
          np => np.metadata.name === `${name}-workers`,
        ).spec,
      ).toMatchObject({
        autoScaling: { min: 1, max: 2 },
      });
      await change({ action: 'scale', pool: 'workers', replicas: 1 });
      await change({ action: 'removePool', pool: 'batch' });
      expect(Object.keys(await pools())).toEqual(['workers']);
      expect(
        (await cluster()).nodePools.map((p: { name: string }) => p.name),
      ).toEqual(['workers']);

      const upgrade = await change({ action: 'upgrade', version: 'v1.37.2' });
      expect(upgrade.steps.map((s: any) => s.name)).toEqual([
        'applyControlPlane',
        'waitControlPlane',
        'applyNodePools',
        'waitNodePools',
      ]);
      expect(
        (await hubObjects('HostedCluster', name))[0].status.version.history.map(
          (h: any) => [h.version, h.state],
        ),
      ).toEqual([
        ['v1.37.2', 'Completed'],
        ['v1.36.4', 'Completed'],
      ]);
      expect((await pools()).workers.image).toBe(
        'registry.hostplane.local/kubernetes-release:v1.37.2',
      );
      expect(await cluster()).toMatchObject({
        phase: 'Ready',
        version: 'v1.37.2',
        nodePools: [{ version: 'v1.37.2' }],
      });

      await change({ action: 'hibernate' });
      expect((await pools()).workers).toMatchObject({
        replicas: 0,
        status: 0,
        annotations: expect.objectContaining({
          [HIBERNATED_REPLICAS_ANNOTATION]: '1',
        }),
      });
      expect((await cluster()).phase).toBe('Hibernated');
      const refused = await api()
        .patch(`/api/hostplane/clusters/local/${name}`)
        .send({ action: 'scale', pool: 'workers', replicas: 3 });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain('hibernated; resume it');

      await change({ action: 'resume' });
      expect((await pools()).workers).toMatchObject({ replicas: 1, status: 1 });
      expect((await cluster()).phase).toBe('Ready');

      await change({ action: 'protect', deletionProtection: true });
      const protectedDelete = await api().delete(
        `/api/hostplane/clusters/local/${name}`,
      );
      expect(protectedDelete.status).toBe(409);
      expect(protectedDelete.body.error.message).toContain(
        'deletion protection',
      );
      await change({ action: 'protect', deletionProtection: false });
      // Repeating steps never regenerates a key.
      expect(
        (await hubObjects('Secret', name)).find(s =>
          s.metadata.name.endsWith('encryption-key'),
        ).data,
      ).toEqual(encryptionKey);

      // Another writer takes the pool's size: the engine's apply is refused (never forced), the
      // step keeps the API server's reason, and a retry succeeds once the other writer lets go.
      const otherWriter = (replicas?: number) =>
        new ServerSideApplier(hub.kubeConfig(), 'kubectl-edit', {
          force: true,
        }).apply([
          {
            apiVersion: 'hypershift.openshift.io/v1beta1',
            kind: 'NodePool',
            metadata: { namespace: 'tenants-team-a', name: `${name}-workers` },
            ...(replicas === undefined ? {} : { spec: { replicas } }),
          } as never,
        ]);
      await otherWriter(3);
      const conflicted = await api()
        .patch(`/api/hostplane/clusters/local/${name}`)
        .send({ action: 'scale', pool: 'workers', replicas: 2 });
      const failed = await waitFor('the scale to fail', async () => {
        const { body } = await api().get(
          `/api/hostplane/operations/${conflicted.body.id}`,
        );
        return body.state === 'failed' ? body : undefined;
      });
      expect(failed.error).toMatch(
        /Apply the node pools: .*conflict.*kubectl-edit/i,
      );
      expect(failed.steps.map((s: any) => s.state)).toEqual([
        'succeeded',
        'failed',
        'pending',
      ]);
      await otherWriter();
      const retried = await api().post(
        `/api/hostplane/operations/${conflicted.body.id}/retry`,
      );
      expect(retried.status).toBe(202);
      const recovered = await waitForOperation(
        backend.server,
        conflicted.body.id,
      );
      expect(recovered.steps.map((s: any) => s.attempts)).toEqual([1, 2, 1]);
      expect((await pools()).workers).toMatchObject({ replicas: 2, status: 2 });

      // The hub goes away under an operation: the operation waits for it, saying why, and
      // carries on once the hub is back, without anyone retrying it.
      await hub.stop();
      const duringOutage = await api()
        .patch(`/api/hostplane/clusters/local/${name}`)
        .send({ action: 'scale', pool: 'workers', replicas: 3 });
      expect(duringOutage.status).toBe(202);
      const waiting = await waitFor(
        'the operation to wait for the hub',
        async () => {
          const { body } = await api().get(
            `/api/hostplane/operations/${duringOutage.body.id}`,
          );
          return body.steps.find((s: any) =>
            /^The hub could not be reached \(ECONNREFUSED\); trying again in \d+ s \(retry \d+ of 10\)$/.test(
              s.message ?? '',
            ),
          );
        },
      );
      expect(waiting).toMatchObject({ state: 'running', attempts: 1 });
      await LocalHub.start({ name: 'lifecycle', workdir: context.workdir });
      const recoveredFromOutage = await waitForOperation(
        backend.server,
        duringOutage.body.id,
      );
      expect(
        recoveredFromOutage.steps.map((s: any) => [s.state, s.attempts]),
      ).toEqual([
        ['succeeded', 1],
        ['succeeded', 1],
        ['succeeded', 1],
      ]);
      expect((await pools()).workers).toMatchObject({ replicas: 3, status: 3 });

      const deletion = await api().delete(
        `/api/hostplane/clusters/local/${name}`,
      );
      expect(deletion.status).toBe(202);
      await waitForOperation(backend.server, deletion.body.id);
      expect(await hubObjects('HostedCluster', name)).toEqual([]);
      expect(await hubObjects('NodePool', name)).toEqual([]);
      expect(await hubObjects('Secret', name)).toEqual([]);
      await waitFor('the cluster to leave the API', async () =>
        (await api().get(`/api/hostplane/clusters/local/${name}`)).status ===
        404
          ? true
          : undefined,
      );

      const history = await api().get(
        `/api/hostplane/operations?hub=local&cluster=${name}&limit=100`,
      );
      expect(history.status).toBe(200);
      expect(
        history.body.items.map((o: any) => [o.type, o.state, o.createdBy]),
      ).toEqual(
        [
          'delete',
          'scale',
          'scale',
          'protect',
          'protect',
          'resume',
          'hibernate',
          'upgrade',
          'removePool',
          'scale',
          'autoscale',
          'addPool',
          'scale',
          'scale',
          'create',
        ].map(type => [type, 'succeeded', 'user:default/mock']),
      );
    });
  });
});
