import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { Page, expect, test } from '@playwright/test';
import { hubBinaries } from '@hostplane/local-hub';
import { clusterEntityName } from '@hostplane/plugin-hostplane-common';
import { useE2eBackend } from '../support/e2eBackend';
import { visitUntilVisible } from '../support/portal';

const run = promisify(execFile);
const SOURCE = 'e2e-backed-up';
const RESTORED = 'e2e-restored';
/** An object created in the source before its backup, looked for in the restored cluster. */
const MARKER = 'e2e-before-backup';

// The whole journey makes and deletes two real tenants; the backend's start (a hook) gets the
// same budget, for a busy machine.
test.describe.configure({ timeout: 1_200_000 });

const backend = useE2eBackend();

/** A full-page screenshot kept under artifacts/screenshots. */
async function snapshot(page: Page, name: string) {
  await page.screenshot({
    path: `artifacts/screenshots/backups-${name}.png`,
    fullPage: true,
  });
}

/** The Hostplane API as the guest, the user this spec is. */
async function api(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const token = await backend().guestToken();
  const response = await fetch(`${backend().baseUrl}/api/hostplane${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function phaseOf(name: string): Promise<string | undefined> {
  const { status, json } = await api('GET', `/clusters/local/${name}`);
  return status === 200 ? json.phase : undefined;
}

async function waitForPhase(name: string, phase: string | undefined) {
  await expect
    .poll(() => phaseOf(name), { timeout: 420_000, intervals: [2_000] })
    .toBe(phase);
}

/** kubectl in the tenant `name` with a kubeconfig the guest downloads through the API. */
async function kubectl(name: string, args: string[]) {
  const { status, json } = await api(
    'POST',
    `/clusters/local/${name}/kubeconfig`,
    { ttlHours: 1 },
  );
  if (status !== 200) {
    return { stdout: '', stderr: `kubeconfig: ${status}` };
  }
  const file = test.info().outputPath(`${name}.kubeconfig`);
  fs.writeFileSync(file, json.kubeconfig, { mode: 0o600 });
  return run(hubBinaries().kubectl, ['--kubeconfig', file, ...args]).catch(
    error => ({ stdout: '', stderr: String(error.stderr) }),
  );
}

/** Deletes the spec's clusters: real tenants are few on this hub, and the specs after need theirs. */
async function removeClusters() {
  for (const name of [RESTORED, SOURCE]) {
    if (await phaseOf(name)) await api('DELETE', `/clusters/local/${name}`);
  }
  for (const name of [RESTORED, SOURCE]) await waitForPhase(name, undefined);
}

test('a new user backs up a cluster from its Backups tab, sees the backup listed, and restores it into a new cluster', async ({
  page,
}) => {
  try {
    await backUpAndRestore(page);
  } finally {
    await removeClusters();
  }
});

async function backUpAndRestore(page: Page) {
  // The guest's own cluster (a guest operates only the clusters of its group, `guests`), made
  // through the API as the New Cluster template would make it: newCluster.spec.ts walks the form.
  const created = await api('POST', '/clusters', {
    name: SOURCE,
    owner: 'group:default/guests',
    hub: 'local',
    version: 'v1.37.2',
    nodePools: [
      { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
    ],
  });
  expect(created.status).toBe(202);
  await waitForPhase(SOURCE, 'Ready');
  await expect
    .poll(
      async () => {
        const { stdout, stderr } = await kubectl(SOURCE, [
          'create',
          'configmap',
          MARKER,
          '--from-literal=written=before-the-backup',
        ]);
        return stdout.includes(MARKER) || stderr.includes('AlreadyExists');
      },
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBe(true);

  // The Backups tab, once the catalog has the cluster's entity.
  const entityUrl = `${
    backend().baseUrl
  }/catalog/default/resource/${clusterEntityName('local', SOURCE)}`;
  const backUpNow = page.getByRole('button', { name: 'Back up now' });
  await visitUntilVisible(page, `${entityUrl}/backups`, backUpNow, 240_000);
  await expect(page.getByText('Backups (0)')).toBeVisible();
  await expect(page.getByText('etcd members')).toBeVisible();
  await snapshot(page, '1-tab');

  await expect(backUpNow).toBeEnabled();
  await backUpNow.click();
  // The backup streams (its progress on the tab), then lands in the list.
  await expect(page.getByText('Backups (1)')).toBeVisible({
    timeout: 300_000,
  });
  const backups = await api('GET', `/clusters/local/${SOURCE}/backups`);
  const [backup] = backups.json.items;
  expect(backup).toMatchObject({
    trigger: 'manual',
    requestedBy: 'user:default/guest',
  });
  const row = page
    .getByRole('row')
    .filter({ hasText: backup.sha256.slice(0, 12) });
  await expect(row.getByText('verified')).toBeVisible();
  await expect(row.getByText('Manual')).toBeVisible();
  await snapshot(page, '2-backed-up');

  // Restore it into a new cluster.
  await row
    .getByRole('button', { name: `Restore backup ${backup.id}` })
    .click();
  await page.getByRole('menuitem', { name: /^Into a new cluster/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('New cluster name').fill(RESTORED);
  await snapshot(page, '3-restore-dialog');
  await dialog.getByRole('button', { name: 'Create cluster' }).click();
  await expect(page.getByText(`Restoring into ${RESTORED}`)).toBeVisible();
  await snapshot(page, '4-restoring');

  await waitForPhase(RESTORED, 'Ready');
  const restored = await api('GET', `/clusters/local/${RESTORED}`);
  expect(restored.json.spec.restoreFrom).toEqual({
    hub: 'local',
    cluster: SOURCE,
    backupId: backup.id,
  });
  // What was in the source before the backup is in the new cluster.
  await expect
    .poll(
      async () => {
        const { stdout, stderr } = await kubectl(RESTORED, [
          'get',
          'configmap',
          MARKER,
          '-o',
          'jsonpath={.data.written}',
        ]);
        return stdout || stderr;
      },
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBe('before-the-backup');

  // Its page, once the catalog has taken it in.
  await visitUntilVisible(
    page,
    `${backend().baseUrl}/catalog/default/resource/${clusterEntityName(
      'local',
      RESTORED,
    )}/cluster`,
    page.getByText('Ready').first(),
    240_000,
  );
  await snapshot(page, '5-restored-cluster');
}
