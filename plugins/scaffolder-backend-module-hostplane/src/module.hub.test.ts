import {
  PermissionsService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { LOCAL_HUB_RELEASES, useTestHub } from '@hostplane/local-hub';
import { clusterEntity } from '@hostplane/plugin-catalog-backend-module-hostplane';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- integration test: starts the real Hostplane backend for this module to talk to
import hostplanePlugin from '@hostplane/plugin-hostplane-backend';
import hypershiftModule from '@hostplane/plugin-hostplane-backend-module-hypershift';
import { summarizeCluster } from '@hostplane/plugin-hostplane-common';
import { ServerSideApplier, waitFor } from '@hostplane/plugin-hostplane-node';
import { CoreV1Api } from '@kubernetes/client-node';
import request from 'supertest';
import { parse } from 'yaml';
import {
  createClusterAction,
  deleteClusterAction,
  scaleClusterAction,
  upgradeClusterAction,
} from './actions';
import { createClusterExamples } from './actions/examples';
import scaffolderModuleHostplane from './index';

jest.setTimeout(300_000);

// Made with ssh-keygen for the tests; public, but handled as the secret it travels as.
const SSH_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKlVgEvB4dH6v2OdomeHrNSbbX+KG7Nu5ClbsOmKKlUH alice@laptop';
const SSH_KEY_DATA = SSH_KEY.split(' ')[1];
const INTRUDER = 'user:default/intruder';

/** Everything is allowed, except to the intruder: enough for the real API to answer 403. */
const permissionsDenyingIntruder = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory(): PermissionsService {
    const decide = (
      requests: unknown[],
      { credentials }: { credentials: { principal: unknown } },
    ) =>
      requests.map(() => ({
        result:
          (credentials.principal as { userEntityRef?: string })
            .userEntityRef === INTRUDER
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }));
    return {
      authorize: async (requests, options) => decide(requests, options),
      authorizeConditional: async (requests, options) =>
        decide(requests, options) as never,
    };
  },
});

/** Everything a mock logger was called with, as one string. */
const everythingLogged = (
  logger: ReturnType<typeof mockServices.logger.mock>,
) =>
  JSON.stringify(
    [logger.debug, logger.info, logger.warn, logger.error].map(
      fn => fn.mock.calls,
    ),
  );
const infoLines = (logger: ReturnType<typeof mockServices.logger.mock>) =>
  logger.info.mock.calls.map(([message]) => message as string);

describe('the Hostplane scaffolder actions against the real backend and a local hub', () => {
  const context = useTestHub('scaffolder');
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let actions: {
    create: ReturnType<typeof createClusterAction>;
    scale: ReturnType<typeof scaleClusterAction>;
    upgrade: ReturnType<typeof upgradeClusterAction>;
    delete: ReturnType<typeof deleteClusterAction>;
  };
  const api = () => request(backend.server);

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        hostplanePlugin,
        hypershiftModule,
        scaffolderPlugin,
        scaffolderModuleHostplane,
        catalogServiceMock.factory(),
        permissionsDenyingIntruder,
        mockServices.rootConfig.factory({
          data: {
            hostplane: {
              hubs: [
                {
                  name: 'local',
                  kubeconfig: context.hub.kubeconfigPath,
                  releases: LOCAL_HUB_RELEASES,
                },
              ],
              operations: { waitTimeoutSeconds: 120 },
            },
          },
        }),
      ],
    });
    // The actions themselves, for calls with a mock context; they reach the same backend.
    const options = {
      discovery: mockServices.discovery.mock({
        getBaseUrl: async pluginId =>
          `http://localhost:${backend.server.port()}/api/${pluginId}`,
      }),
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
      pollIntervalMs: 200,
    };
    actions = {
      create: createClusterAction(options),
      scale: scaleClusterAction(options),
      upgrade: upgradeClusterAction(options),
      delete: deleteClusterAction(options),
    };
  });
  afterAll(async () => {
    await backend?.stop();
  });

  const shop = {
    name: 'shop',
    owner: 'group:default/team-a',
    hub: 'local',
    version: 'v1.36.4',
    nodePools: [
      { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
    ],
  };
  const ref = { hub: 'local', name: 'shop' };

  it('plans a creation in a dry run without submitting anything', async () => {
    const logger = mockServices.logger.mock();
    const ctx = {
      ...createMockActionContext({
        input: { ...shop, waitForReady: true },
        secrets: { sshPublicKey: SSH_KEY },
        logger,
      }),
      isDryRun: true,
    };
    await actions.create.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('operationId', 'dry-run');
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'resource:default/shop.local',
    );
    expect(infoLines(logger)).toEqual([
      "Dry run: would create cluster 'shop' on hub 'local': Kubernetes v1.36.4, SingleReplica control plane, node pools workers (1 × 2 vCPU, 4 GiB), owner group:default/team-a, the SSH public key from the task secrets. Nothing was created.",
    ]);
    expect(everythingLogged(logger)).not.toContain(SSH_KEY_DATA);
    const operations = await api().get(
      '/api/hostplane/operations?hub=local&cluster=shop',
    );
    expect(operations.body.totalCount).toBe(0);

    const unknownVersion = {
      ...createMockActionContext({
        input: { ...shop, version: 'v1.30.0', waitForReady: false },
      }),
      isDryRun: true,
    };
    await expect(actions.create.handler(unknownVersion)).rejects.toThrow(
      "Could not create cluster 'shop' on hub 'local' (dry run): version: version v1.30.0 is not offered by this hub (offered: ",
    );
  });

  it("creates the cluster with the initiator's SSH key, logs each step once, and never logs the key", async () => {
    const logger = mockServices.logger.mock();
    const ctx = createMockActionContext({
      input: { ...shop, waitForReady: true },
      secrets: { sshPublicKey: SSH_KEY },
      logger,
    });
    await actions.create.handler(ctx);

    const outputs = Object.fromEntries(
      (ctx.output as jest.Mock).mock.calls,
    ) as Record<string, string>;
    const cluster = (await api().get('/api/hostplane/clusters/local/shop'))
      .body;
    expect(outputs).toEqual({
      hub: 'local',
      name: 'shop',
      operationId: expect.any(String),
      entityRef: stringifyEntityRef(clusterEntity(summarizeCluster(cluster))),
    });
    expect(cluster).toMatchObject({ phase: 'Ready', version: 'v1.36.4' });
    const operation = (
      await api().get(`/api/hostplane/operations/${outputs.operationId}`)
    ).body;
    expect(operation).toMatchObject({
      type: 'create',
      state: 'succeeded',
      createdBy: 'user:default/mock',
    });

    const lines = infoLines(logger);
    expect(lines[0]).toBe(
      `Hostplane is running the creation of cluster 'shop' on hub 'local' as operation ${outputs.operationId}`,
    );
    operation.steps.forEach((step: { title: string }, index: number) => {
      for (const event of ['started', 'done']) {
        const line = `[${index + 1}/6] ${step.title}: ${event}`;
        expect(lines.filter(l => l === line)).toEqual([line]);
      }
    });
    expect(lines.filter((line, i) => line === lines[i - 1])).toEqual([]);
    expect(lines[lines.length - 1]).toBe(
      `Hostplane's create of cluster 'shop' on hub 'local' succeeded (operation ${outputs.operationId})`,
    );

    // The key reaches the nodes' Secret, and nowhere the task or a cluster reader can see.
    expect(everythingLogged(logger)).not.toContain(SSH_KEY_DATA);
    expect(JSON.stringify(outputs)).not.toContain(SSH_KEY_DATA);
    expect(JSON.stringify(cluster)).not.toContain(SSH_KEY_DATA);
    expect(JSON.stringify(operation)).not.toContain(SSH_KEY_DATA);
    const secret = await context.hub
      .kubeConfig()
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({
        namespace: 'tenants-team-a',
        name: 'shop-ssh-key',
      });
    expect(Buffer.from(secret.data!['id_rsa.pub'], 'base64').toString()).toBe(
      SSH_KEY,
    );
  });

  it("turns the API's refusals into task errors with its message and field paths", async () => {
    const run = (
      action: { handler: (ctx: any) => Promise<void> },
      input: object,
      initiator = mockCredentials.user(),
    ) =>
      action.handler({
        ...createMockActionContext({
          input: { ...input, waitForReady: false },
        }),
        getInitiatorCredentials: async () => initiator,
      });

    await expect(
      run(actions.create, { ...shop, name: 'other', version: 'v1.30.0' }),
    ).rejects.toThrow(
      `Could not create cluster 'other' on hub 'local': version: version v1.30.0 is not offered by this hub (offered: v1.35.6, v1.36.4, v1.37.2) (Hostplane answered 400)`,
    );
    await expect(run(actions.create, shop)).rejects.toThrow(
      "Could not create cluster 'shop' on hub 'local': A cluster named 'shop' already exists on hub 'local' (Hostplane answered 409)",
    );
    await expect(
      run(
        actions.create,
        { ...shop, name: 'other' },
        mockCredentials.user(INTRUDER),
      ),
    ).rejects.toThrow(
      `Could not create cluster 'other' on hub 'local': ${INTRUDER} may not hostplane.cluster.create (Hostplane answered 403)`,
    );
    await expect(
      run(actions.scale, {
        hub: 'local',
        name: 'ghost',
        pool: 'workers',
        replicas: 2,
      }),
    ).rejects.toThrow(
      "Could not scale cluster 'ghost' on hub 'local': There is no cluster 'ghost' on hub 'local' (Hostplane answered 404)",
    );

    const taken = {
      ...createMockActionContext({
        input: { ...shop, waitForReady: false },
      }),
      isDryRun: true,
    };
    await expect(actions.create.handler(taken)).rejects.toThrow(
      "A cluster named 'shop' already exists on hub 'local'",
    );
  });

  it('plans a scale, an upgrade and a deletion in a dry run', async () => {
    const logger = mockServices.logger.mock();
    const dryRun = (input: object) => ({
      ...createMockActionContext({ input: input as never, logger }),
      isDryRun: true,
    });
    await actions.scale.handler(
      dryRun({ ...ref, pool: 'workers', replicas: 2, waitForReady: true }),
    );
    await actions.upgrade.handler(
      dryRun({ ...ref, version: 'v1.37.2', waitForReady: true }),
    );
    await actions.delete.handler(dryRun({ ...ref, waitForDeletion: true }));
    expect(infoLines(logger)).toEqual([
      "Dry run: would scale node pool 'workers' of cluster 'shop' on hub 'local' from 1 to 2 machines. Nothing was changed.",
      "Dry run: would upgrade cluster 'shop' on hub 'local' from v1.36.4 to v1.37.2. Nothing was changed.",
      "Dry run: would delete cluster 'shop' on hub 'local' (Ready, 1 node pool(s)). Nothing was deleted.",
    ]);
    await expect(
      actions.scale.handler(
        dryRun({ ...ref, pool: 'gpu', replicas: 2, waitForReady: false }),
      ),
    ).rejects.toThrow(
      "Could not scale cluster 'shop' on hub 'local' (dry run): Cluster 'shop' has no node pool 'gpu' (pools: workers) (Hostplane answered 404)",
    );
    // Checks only the API makes: the upgrade path, and who may delete.
    await expect(
      actions.upgrade.handler(
        dryRun({ ...ref, version: 'v1.35.6', waitForReady: false }),
      ),
    ).rejects.toThrow(
      /^Could not upgrade cluster 'shop' on hub 'local' \(dry run\): .*v1\.35\.6/,
    );
    await expect(
      actions.delete.handler({
        ...dryRun({ ...ref, waitForDeletion: false }),
        getInitiatorCredentials: async () => mockCredentials.user(INTRUDER),
      }),
    ).rejects.toThrow(
      `Could not delete cluster 'shop' on hub 'local' (dry run): ${INTRUDER} may not`,
    );
    const operations = await api().get(
      '/api/hostplane/operations?hub=local&cluster=shop',
    );
    expect(operations.body.totalCount).toBe(1);
  });

  it("scales, and fails the task with the operation's error when the operation fails", async () => {
    const logger = mockServices.logger.mock();
    const scaled = createMockActionContext({
      input: { ...ref, pool: 'workers', replicas: 2, waitForReady: true },
      logger,
    });
    await actions.scale.handler(scaled);
    expect(scaled.output).toHaveBeenCalledWith(
      'operationId',
      expect.any(String),
    );
    expect(
      (await api().get('/api/hostplane/clusters/local/shop')).body.nodePools[0],
    ).toMatchObject({ currentReplicas: 2, phase: 'Ready' });
    expect(infoLines(logger)).toContain('[3/3] Wait for the node pools: done');

    // Another writer takes the pool's size: Hostplane's apply is refused, and so the operation.
    const otherWriter = (replicas?: number) =>
      new ServerSideApplier(context.hub.kubeConfig(), 'kubectl-edit', {
        force: true,
      }).apply([
        {
          apiVersion: 'hypershift.openshift.io/v1beta1',
          kind: 'NodePool',
          metadata: { namespace: 'tenants-team-a', name: 'shop-workers' },
          ...(replicas === undefined ? {} : { spec: { replicas } }),
        } as never,
      ]);
    await otherWriter(2);
    const failing = createMockActionContext({
      input: { ...ref, pool: 'workers', replicas: 1, waitForReady: true },
      logger,
    });
    await expect(actions.scale.handler(failing)).rejects.toThrow(
      /^Hostplane's scale of cluster 'shop' on hub 'local' failed \(operation [^)]+\): Apply the node pools: .*conflict.*kubectl-edit.*POST \/api\/hostplane\/operations\/[^/]+\/retry runs it again from the failed step\.$/is,
    );
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringMatching(
        /^\[2\/3\] Apply the node pools: failed: .*conflict/i,
      ),
    );
    await otherWriter();
  });

  it('upgrades, names the running operation when another is refused, and deletes', async () => {
    const upgrading = createMockActionContext({
      input: { ...ref, version: 'v1.37.2', waitForReady: false },
    });
    await actions.upgrade.handler(upgrading);
    const [[, upgradeId]] = (upgrading.output as jest.Mock).mock.calls;

    await expect(
      actions.delete.handler(
        createMockActionContext({
          input: { ...ref, waitForDeletion: false },
        }),
      ),
    ).rejects.toThrow(
      new RegExp(
        `^Could not delete cluster 'shop' on hub 'local': Cluster 'shop' already has an operation running: upgrade ${upgradeId}, started by user:default/mock at .* \\(Hostplane answered 409\\)$`,
      ),
    );
    await waitFor(
      'the upgrade to finish',
      async () => {
        const { body } = await api().get(
          `/api/hostplane/operations/${upgradeId}`,
        );
        return body.state === 'running' ? undefined : body;
      },
      { timeoutMs: 150_000 },
    ).then(operation => expect(operation.state).toBe('succeeded'));

    const logger = mockServices.logger.mock();
    await actions.delete.handler(
      createMockActionContext({
        input: { ...ref, waitForDeletion: true },
        logger,
      }),
    );
    expect(infoLines(logger)).toContain(
      '[3/3] Delete the generated secrets: done',
    );
    expect((await api().get('/api/hostplane/clusters/local/shop')).status).toBe(
      404,
    );
  });

  it("runs a template's dry run through the scaffolder, secrets kept out of the log", async () => {
    const { steps, output } = parse(createClusterExamples[0].example);
    const response = await api()
      .post('/api/scaffolder/v2/dry-run')
      .send({
        template: {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'tenant-cluster' },
          spec: {
            type: 'kubernetes-cluster',
            parameters: [
              {
                type: 'object',
                required: ['name', 'owner'],
                properties: {
                  name: { type: 'string' },
                  owner: { type: 'string' },
                },
              },
            ],
            steps,
            output,
          },
        },
        values: { name: 'web', owner: 'group:default/team-b' },
        secrets: { sshPublicKey: SSH_KEY },
        directoryContents: [],
      });
    expect(response.status).toBe(200);
    const log = response.body.log.map(
      (entry: { body: { message: string } }) => entry.body.message,
    );
    // The task logger puts the level before each message.
    expect(log).toContainEqual(
      expect.stringContaining(
        "Dry run: would create cluster 'web' on hub 'local': Kubernetes v1.37.2, SingleReplica control plane, node pools workers (2 × 4 vCPU, 16 GiB), owner group:default/team-b, the SSH public key from the task secrets. Nothing was created.",
      ),
    );
    expect(JSON.stringify(response.body)).not.toContain(SSH_KEY_DATA);
    expect(response.body.output).toEqual({
      links: [
        {
          title: 'The cluster in the catalog',
          entityRef: 'resource:default/web.local',
        },
      ],
    });
    const operations = await api().get(
      '/api/hostplane/operations?hub=local&cluster=web',
    );
    expect(operations.body.totalCount).toBe(0);
  });
});
