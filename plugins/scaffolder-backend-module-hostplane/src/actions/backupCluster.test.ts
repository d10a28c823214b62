import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  BackupSummary,
  ListBackupsResponse,
  Operation,
} from '@hostplane/plugin-hostplane-common';
import express from 'express';
import { backupClusterAction } from './backupCluster';

/*
 * The action against a stand-in for the Hostplane API on loopback: what it sends, how it follows
 * the operation and which backup it reports. The real API's backup routes and operation are
 * tested against the local hub in the backend; here only the action's side of the contract is.
 */

const OPERATION: Operation = {
  id: 'op-backup',
  hub: 'local',
  cluster: 'shop',
  type: 'backup',
  state: 'running',
  steps: [
    {
      name: 'snapshotEtcd',
      title: 'Stream the etcd snapshot to the store',
      state: 'running',
      attempts: 1,
    },
  ],
  progress: 0,
  createdBy: 'user:default/mock',
  createdAt: '2026-08-02T10:00:00.500Z',
  updatedAt: '2026-08-02T10:00:00.500Z',
};

function aBackup(overrides: Partial<BackupSummary>): BackupSummary {
  return {
    id: '20260802T100001Z-a1b2c3',
    createdAt: '2026-08-02T10:00:01Z',
    sizeBytes: 1024,
    storedBytes: 2048,
    revision: 42,
    dbSizeBytes: 4096,
    member: 'etcd-0',
    etcdVersion: '3.6.4',
    kubernetesVersion: 'v1.37.2',
    sha256: 'ab'.repeat(32),
    trigger: 'manual',
    requestedBy: 'user:default/mock',
    ...overrides,
  };
}

const BACKUPS: ListBackupsResponse = {
  items: [
    // A scheduled backup that landed while this one ran, and an older manual one.
    aBackup({
      id: '20260802T100002Z-zzzzzz',
      createdAt: '2026-08-02T10:00:02Z',
      trigger: 'schedule',
      requestedBy: 'hostplane',
    }),
    aBackup({}),
    aBackup({
      id: '20260801T100000Z-oldold',
      createdAt: '2026-08-01T10:00:00Z',
    }),
  ],
  policy: { schedule: '0 */6 * * *', retention: 7 },
  store: 'directory',
};

describe('hostplane:cluster:backup', () => {
  const requests: string[] = [];
  const bodies: unknown[] = [];
  let polls = 0;
  let server: Server;
  let action: ReturnType<typeof backupClusterAction>;

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.use((req, _res, next) => {
      requests.push(`${req.method} ${req.url}`);
      next();
    });
    app.patch('/api/hostplane/clusters/local/shop', (req, res) => {
      bodies.push(req.body);
      if (req.query.dryRun) {
        res.json({ hub: 'local', cluster: 'shop', type: 'backup', steps: [] });
        return;
      }
      res.status(202).json(OPERATION);
    });
    app.get('/api/hostplane/operations/op-backup', (_req, res) => {
      polls += 1;
      res.json(
        polls < 2
          ? OPERATION
          : {
              ...OPERATION,
              state: 'succeeded',
              progress: 1,
              steps: [{ ...OPERATION.steps[0], state: 'succeeded' }],
            },
      );
    });
    app.get('/api/hostplane/clusters/local/shop/backups', (_req, res) => {
      res.json(BACKUPS);
    });
    server = await new Promise<Server>(resolve => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    const { port } = server.address() as AddressInfo;
    action = backupClusterAction({
      discovery: mockServices.discovery.mock({
        getBaseUrl: async pluginId =>
          `http://127.0.0.1:${port}/api/${pluginId}`,
      }),
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
      pollIntervalMs: 20,
    });
  });
  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });
  beforeEach(() => {
    requests.length = 0;
    bodies.length = 0;
    polls = 0;
  });

  it('backs up, waits for the operation and outputs the backup it took', async () => {
    const logger = mockServices.logger.mock();
    const ctx = createMockActionContext({
      input: { hub: 'local', name: 'shop', waitForCompletion: true },
      logger,
    });
    await action.handler(ctx);
    expect(bodies).toEqual([{ action: 'backup' }]);
    expect(requests).toEqual([
      'PATCH /api/hostplane/clusters/local/shop',
      'GET /api/hostplane/operations/op-backup',
      'GET /api/hostplane/operations/op-backup',
      'GET /api/hostplane/clusters/local/shop/backups',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('operationId', 'op-backup');
    expect(ctx.output).toHaveBeenCalledWith(
      'backupId',
      '20260802T100001Z-a1b2c3',
    );
    expect(logger.info).toHaveBeenCalledWith(
      `Backup 20260802T100001Z-a1b2c3 of cluster 'shop' on hub 'local': etcd revision 42, SHA-256 ${'ab'.repeat(
        32,
      )}`,
    );
  });

  it('does not wait unless asked to, and then outputs no backup', async () => {
    const ctx = createMockActionContext({
      input: { hub: 'local', name: 'shop', waitForCompletion: false },
    });
    await action.handler(ctx);
    expect(requests).toEqual(['PATCH /api/hostplane/clusters/local/shop']);
    expect(ctx.output).toHaveBeenCalledWith('operationId', 'op-backup');
    expect(ctx.output).not.toHaveBeenCalledWith('backupId', expect.anything());
  });

  it('plans in a dry run and starts nothing', async () => {
    const logger = mockServices.logger.mock();
    const ctx = {
      ...createMockActionContext({
        input: { hub: 'local', name: 'shop', waitForCompletion: true },
        logger,
      }),
      isDryRun: true,
    };
    await action.handler(ctx);
    expect(requests).toEqual([
      'PATCH /api/hostplane/clusters/local/shop?dryRun=true',
      'GET /api/hostplane/clusters/local/shop/backups',
    ]);
    expect(ctx.output).toHaveBeenCalledWith('operationId', 'dry-run');
    expect(logger.info).toHaveBeenCalledWith(
      "Dry run: would back up the etcd of cluster 'shop' on hub 'local' (3 backup(s) kept now, the newest 7 kept on '0 */6 * * *'). Nothing was changed.",
    );
  });
});
