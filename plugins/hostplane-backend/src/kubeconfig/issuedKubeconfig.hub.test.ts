import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TenantProcesses, hubBinaries } from '@hostplane/local-hub';
import { applyObjects, waitFor } from '@hostplane/plugin-hostplane-node';
import { ClientCertificate, signClientCertificate } from './clientCertificate';
import { ownerAccessBinding } from './tenantAccess';
import { renderUserKubeconfig } from './userKubeconfig';

jest.setTimeout(180_000);

const OWNER_GROUP = 'group:default/team-a';
const NODE = 'workers-0';

/** Runs the real kubectl with a kubeconfig; a failure is a result here, not an exception. */
function kubectl(
  kubeconfigPath: string,
  args: string[],
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(
      hubBinaries().kubectl,
      ['--kubeconfig', kubeconfigPath, ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) =>
        resolve({
          exitCode: error ? Number(error.code ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

describe('a kubeconfig issued for a real tenant cluster', () => {
  let workdir: string;
  let tenant: TenantProcesses;
  /** Alice's: in the owning group, valid for 8 seconds from the end of beforeAll. */
  let alice: { kubeconfigPath: string; certificate: ClientCertificate };

  /** Signs a certificate with the tenant's root CA and writes the kubeconfig a user would get. */
  function issue(user: string, groups: string[], ttlMs: number) {
    const caCertPem = fs.readFileSync(tenant.rootCaPath, 'utf8');
    const certificate = signClientCertificate({
      caCertPem,
      // kwokctl keeps the CA key beside the CA certificate.
      caKeyPem: fs.readFileSync(
        path.join(path.dirname(tenant.rootCaPath), 'ca.key'),
        'utf8',
      ),
      user,
      groups,
      ttlMs,
    });
    const kubeconfigPath = path.join(workdir, `${certificate.serial}.yaml`);
    fs.writeFileSync(
      kubeconfigPath,
      renderUserKubeconfig({
        clusterName: tenant.name,
        server: tenant.server,
        // The same CA signed the API server's serving certificate.
        caCertPem,
        user,
        certPem: certificate.certPem,
        keyPem: certificate.keyPem,
      }),
      { mode: 0o600 },
    );
    return { kubeconfigPath, certificate };
  }

  beforeAll(async () => {
    workdir = fs.mkdtempSync(
      path.join(os.tmpdir(), 'hostplane-kubeconfig-test-'),
    );
    tenant = await TenantProcesses.open({
      namespace: 'clusters',
      name: 'kubeconfig',
      workdir,
    });
    await tenant.up();
    await tenant.syncPoolNodes([{ pool: 'workers', name: NODE }]);
    await applyObjects(
      tenant.kubeConfig(),
      [ownerAccessBinding(OWNER_GROUP)],
      'hostplane',
    );
    alice = issue('user:default/alice', [OWNER_GROUP], 8_000);
  });

  afterAll(async () => {
    if (tenant?.exists()) {
      await tenant.delete();
    }
    fs.rmSync(workdir, { recursive: true, force: true });
  });

  it('lets a member of the owning group list the nodes', async () => {
    const result = await kubectl(alice.kubeconfigPath, [
      'get',
      'nodes',
      '-o',
      'name',
    ]);

    expect(result).toMatchObject({ exitCode: 0, stdout: `node/${NODE}\n` });
  });

  it('authenticates the user and groups the certificate names', async () => {
    const result = await kubectl(alice.kubeconfigPath, [
      'auth',
      'whoami',
      '-o',
      'json',
    ]);

    expect(result.exitCode).toBe(0);
    const { userInfo } = JSON.parse(result.stdout).status;
    expect(userInfo.username).toBe('user:default/alice');
    expect(userInfo.groups).toEqual(
      expect.arrayContaining([OWNER_GROUP, 'system:authenticated']),
    );
  });

  it('forbids a group that no binding names', async () => {
    const bob = issue('user:default/bob', ['group:default/team-b'], 60_000);

    const result = await kubectl(bob.kubeconfigPath, [
      'get',
      'nodes',
      '-o',
      'name',
    ]);

    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/Forbidden/);
    expect(result.stderr).toContain('User "user:default/bob" cannot list');
  });

  it('is refused once it has expired', async () => {
    const expiredAt = alice.certificate.notAfter.getTime() + 1_000;
    await new Promise(resolve =>
      setTimeout(resolve, Math.max(0, expiredAt - Date.now())),
    );

    // Expiry is the API server's judgement, on its clock: the refusal is asserted, not its moment.
    const refused = await waitFor(
      'the expired certificate to be refused',
      async () => {
        const result = await kubectl(alice.kubeconfigPath, [
          'get',
          'nodes',
          '-o',
          'name',
        ]);
        return result.exitCode === 0 ? undefined : result;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(refused.stderr).toMatch(/Unauthorized/);
  });
});
