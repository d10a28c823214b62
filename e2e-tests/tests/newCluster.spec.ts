import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { Page, expect, test } from '@playwright/test';
import { hubBinaries } from '@hostplane/local-hub';
import { useE2eBackend } from '../support/e2eBackend';
import { visit } from '../support/portal';

const run = promisify(execFile);
const CLUSTER = 'e2e-flow';

const backend = useE2eBackend();

/** A full-page screenshot kept under artifacts/screenshots. */
async function snapshot(page: Page, name: string) {
  await page.screenshot({
    path: `artifacts/screenshots/new-cluster-${name}.png`,
    fullPage: true,
  });
}

/** The cluster's phase as the API reports it (the page is checked separately). */
async function phaseOf(page: Page): Promise<string | undefined> {
  return page.evaluate(async name => {
    const refresh = await fetch('/api/auth/guest/refresh?env=development', {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    const token = (await refresh.json()).backstageIdentity.token;
    const response = await fetch(`/api/hostplane/clusters/local/${name}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return response.ok ? (await response.json()).phase : undefined;
  }, CLUSTER);
}

async function waitForPhase(page: Page, phase: string | undefined) {
  await expect
    .poll(() => phaseOf(page), { timeout: 240_000, intervals: [2_000] })
    .toBe(phase);
}

test('a new user creates a cluster, operates it from its entity page and deletes it', async ({
  page,
}) => {
  test.setTimeout(900_000);
  // "New Cluster" in the scaffolder, once the catalog has read the template.
  await expect
    .poll(
      async () => {
        await visit(page, `${backend().baseUrl}/create`);
        return expect(page.getByText('New Cluster', { exact: true }).first())
          .toBeVisible({ timeout: 10_000 })
          .then(() => true)
          .catch(() => false);
      },
      { timeout: 180_000, intervals: [5_000] },
    )
    .toBe(true);
  await snapshot(page, '0-templates');
  await page
    .locator('.MuiCard-root')
    .filter({ hasText: 'New Cluster' })
    .getByRole('button', { name: 'Choose' })
    .click();
  await expect(page.getByText('Owner and hub').first()).toBeVisible();

  // The owner picker offers the groups the portal's policy lets the user operate clusters of (the
  // demo's teams are in the catalog too): the guest has one, chosen already, as is the one
  // reachable hub.
  await expect(page.getByLabel('Owner')).toHaveValue('guests');
  await expect(page.getByLabel('Owner')).toBeDisabled();
  await expect(page.getByText('local', { exact: true }).first()).toBeVisible();
  await snapshot(page, '1-owner-and-hub');
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByLabel('Name').fill(CLUSTER);
  await expect(page.getByText(/is free/i)).toBeVisible();
  await snapshot(page, '2-cluster');
  await page.getByRole('button', { name: 'Next' }).click();
  await snapshot(page, '3-node-pools');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Next' }).click();
  // "Restore from backup" is optional: left empty, the cluster starts with an empty etcd.
  await expect(page.getByText('Restore from backup').first()).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await snapshot(page, '4-review');
  await page.getByRole('button', { name: 'Create' }).click();

  // The task follows the operation step by step until the cluster is Ready.
  await expect(
    page.getByRole('link', { name: 'Open the cluster in the catalog' }),
  ).toBeVisible({ timeout: 420_000 });
  await snapshot(page, '5-task-done');
  await page
    .getByRole('link', { name: 'Open the cluster in the catalog' })
    .click();
  await expect(
    page.getByText('Kubernetes v1.37.2 tenant cluster'),
  ).toBeVisible();
  const entityPage = page.url().replace(/\/$/, '');
  await snapshot(page, '6-entity');
  const openTab = (tab: string) => visit(page, `${entityPage}/${tab}`);

  // The entity page: the cluster tab shows it Ready.
  await openTab('cluster');
  await expect(page.getByText('Ready').first()).toBeVisible({
    timeout: 60_000,
  });
  await snapshot(page, '6-cluster-tab');

  // Scale the pool from 2 to 3 machines.
  await openTab('node-pools');
  await page
    .getByRole('button', { name: /^Actions for node pool / })
    .first()
    .click();
  await page.getByRole('menuitem', { name: 'Scale', exact: true }).click();
  await page.getByLabel('Machines').fill('3');
  await page.getByRole('dialog').getByRole('button', { name: 'Scale' }).click();
  await expect
    .poll(
      async () =>
        page.evaluate(async name => {
          const refresh = await fetch(
            '/api/auth/guest/refresh?env=development',
            { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
          );
          const token = (await refresh.json()).backstageIdentity.token;
          const cluster = await (
            await fetch(`/api/hostplane/clusters/local/${name}`, {
              headers: { Authorization: `Bearer ${token}` },
            })
          ).json();
          return `${cluster.phase} ${cluster.nodePools[0].currentReplicas}`;
        }, CLUSTER),
      { timeout: 240_000, intervals: [2_000] },
    )
    .toBe('Ready 3');
  await snapshot(page, '7-node-pools');

  // Download a kubeconfig and use it.
  await openTab('access');
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download kubeconfig' }).click();
  const download = await downloading;
  const file = test.info().outputPath('e2e-flow.kubeconfig');
  await download.saveAs(file);
  fs.chmodSync(file, 0o600);
  await expect(page.getByText(/expires/i).first()).toBeVisible();
  await snapshot(page, '8-access');
  await expect
    .poll(
      async () => {
        const { stdout, stderr } = await run(hubBinaries().kubectl, [
          '--kubeconfig',
          file,
          'get',
          'nodes',
          '-o',
          'name',
        ]).catch(error => ({ stdout: '', stderr: String(error.stderr) }));
        // The error, if any, so that a failure says why kubectl could not list them.
        return stdout ? stdout.trim().split('\n').length : stderr;
      },
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBe(3);

  // Hibernate, then resume.
  await openTab('settings');
  await page.getByRole('button', { name: 'Hibernate' }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Hibernate' })
    .click();
  await waitForPhase(page, 'Hibernated');
  await openTab('settings');
  await snapshot(page, '9-hibernated');
  await page.getByRole('button', { name: 'Resume' }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Resume' })
    .click();
  await waitForPhase(page, 'Ready');

  // Delete it: the button asks for the name first.
  await openTab('settings');
  await page.getByRole('button', { name: 'Delete cluster' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('button', { name: 'Delete' })).toBeDisabled();
  await dialog.getByLabel('Cluster name').fill(CLUSTER);
  await snapshot(page, '10-delete');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await waitForPhase(page, undefined);
});
