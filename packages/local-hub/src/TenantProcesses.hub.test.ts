import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import { hubBinaries } from './paths';
import { isAlive } from './processes';
import { TenantProcesses } from './TenantProcesses';

jest.setTimeout(300_000);

describe('TenantProcesses', () => {
  let workdir: string;
  let tenant: TenantProcesses;

  beforeAll(async () => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostplane-tenant-test-'));
    tenant = await TenantProcesses.open({
      namespace: 'clusters',
      name: 'demo',
      workdir,
    });
    await tenant.up();
  });

  afterAll(async () => {
    if (tenant?.exists()) {
      await tenant.delete();
    }
    fs.rmSync(workdir, { recursive: true, force: true });
  });

  const pool = (replicas: number) =>
    Array.from({ length: replicas }, (_, i) => ({
      pool: 'workers',
      name: `workers-${i}`,
    }));
  const readyNodes = () => {
    const out = execFileSync(hubBinaries().kubectl, [
      '--kubeconfig',
      tenant.kubeconfigPath,
      'get',
      'nodes',
      '--no-headers',
    ]).toString();
    return out
      .split('\n')
      .filter(line => / Ready /.test(line))
      .map(line => line.split(/\s+/)[0])
      .sort();
  };

  it('runs a real API server whose admin kubeconfig works with kubectl, with its audit log on', async () => {
    expect(tenant.processIds().every(isAlive)).toBe(true);
    expect(tenant.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    execFileSync(hubBinaries().kubectl, [
      '--kubeconfig',
      tenant.kubeconfigPath,
      'get',
      'namespaces',
    ]);
    expect(fs.readFileSync(tenant.auditLogPath, 'utf8')).toContain(
      '"verb":"list"',
    );
  });

  it('registers a pool of nodes that become Ready, and follows its size up and down', async () => {
    await tenant.syncPoolNodes(pool(2));
    await waitFor('2 Ready nodes', async () =>
      readyNodes().length === 2 ? true : undefined,
    );
    expect(readyNodes()).toEqual(['workers-0', 'workers-1']);

    await tenant.syncPoolNodes(pool(3));
    await waitFor('3 Ready nodes', async () =>
      readyNodes().length === 3 ? true : undefined,
    );

    await tenant.syncPoolNodes(pool(1));
    await waitFor('1 Ready node', async () =>
      readyNodes().length === 1 ? true : undefined,
    );
    expect(readyNodes()).toEqual(['workers-0']);
  });

  it('stops every process on delete', async () => {
    const pids = tenant.processIds();
    expect(pids.length).toBeGreaterThan(0);
    await tenant.delete();
    expect(pids.filter(isAlive)).toEqual([]);
  });
});
