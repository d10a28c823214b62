import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import { promisify } from 'node:util';
import { Locator, Page, expect, test } from '@playwright/test';
import {
  DEMO_WORKLOAD,
  TenantProcesses,
  hubBinaries,
} from '@hostplane/local-hub';
import { clusterEntityName } from '@hostplane/plugin-hostplane-common';
import { useLoggedE2eBackend } from '../support/loggedBackend';
import { visitUntilVisible } from '../support/portal';

const { tenant } = DEMO_WORKLOAD;

// The backend and the log store start in a hook; a busy machine gets the budget of a journey.
test.describe.configure({ timeout: 600_000 });

const logged = useLoggedE2eBackend([tenant]);

/** A full-page screenshot kept under artifacts/screenshots. */
async function snapshot(page: Page, name: string) {
  await page.screenshot({
    path: `artifacts/screenshots/logs-${name}.png`,
    fullPage: true,
  });
}

/** A request the tenant's API server cannot authenticate: it logs an error for it. */
function unauthenticatedRequest(processes: TenantProcesses) {
  return new Promise<number>((resolve, reject) => {
    const req = https.get(
      new URL('/api/v1/namespaces', processes.server),
      {
        headers: { Authorization: 'Bearer e2e-logs-unknown-token' },
        ca: fs.readFileSync(processes.rootCaPath),
      },
      res => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
  });
}

/** Whether `locator` shows within a few seconds. */
function showsSoon(locator: Locator): Promise<boolean> {
  return locator
    .waitFor({ state: 'visible', timeout: 5_000 })
    .then(() => true)
    .catch(() => false);
}

/** Picks an option of one of the tab's selects, named by its label. */
async function choose(page: Page, label: RegExp, option: string) {
  await page.getByRole('button', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

test(`a new user follows the kube-apiserver log of ${tenant.name}, searches for an error and opens the audit view`, async ({
  page,
}) => {
  const processes = logged().tenants.get(tenant.name)!;
  const tabUrl = `${
    logged().backend.baseUrl
  }/catalog/default/resource/${clusterEntityName('local', tenant.name)}/logs`;

  // The Logs tab opens on the live view of the API server, once the catalog has the cluster.
  const following = page.getByText(/^Following · \d+ of \d+ lines shown/);
  await visitUntilVisible(page, tabUrl, following, 240_000);
  await expect(
    page.getByRole('button', { name: /^Component and pod/ }),
  ).toContainText('kube-apiserver');
  await expect(following).not.toHaveText(/· 0 of 0 lines/, {
    timeout: 60_000,
  });
  await snapshot(page, '1-live');

  // Errors only: the one the tenant logs next arrives while the page follows.
  await choose(page, /^Level/, 'Error and worse');
  const liveErrors = page.getByText('Unable to authenticate the request');
  const before = await liveErrors.count();
  const sentAt = Date.now();
  expect(await unauthenticatedRequest(processes)).toBe(401);
  await expect
    .poll(() => liveErrors.count(), { timeout: 10_000, intervals: [200] })
    .toBeGreaterThan(before);
  expect(Date.now() - sentAt).toBeLessThan(10_000);
  await snapshot(page, '2-live-error');

  // The same error, searched for in the log store.
  await page.getByRole('tab', { name: 'Search' }).click();
  await choose(page, /^Component/, 'kube-apiserver');
  await choose(page, /^Level/, 'Error and worse');
  await page.getByLabel('Words to find').fill('Unable to authenticate');
  const summary = page.getByText(/^\d+ lines of \d+ matching$/);
  await expect
    .poll(
      async () => {
        await page
          .getByRole('main')
          .getByRole('button', { name: 'Search', exact: true })
          .click();
        return showsSoon(summary);
      },
      { timeout: 10_000, intervals: [1_000] },
    )
    .toBe(true);
  await expect(
    page.getByText('Unable to authenticate the request').first(),
  ).toBeVisible();
  await snapshot(page, '3-search');

  // Who did what: a request the tenant's admin makes is among its audit events.
  await promisify(execFile)(hubBinaries().kubectl, [
    '--kubeconfig',
    processes.kubeconfigPath,
    'get',
    'namespaces',
  ]);
  await page.getByRole('tab', { name: 'Audit' }).click();
  await page.getByLabel('Verb').fill('list');
  await page.getByLabel('Resource').fill('namespaces');
  const row = page.getByRole('row').filter({ hasText: 'namespaces' });
  await expect
    .poll(
      async () => {
        await page.getByRole('button', { name: 'Show audit events' }).click();
        return showsSoon(row.first());
      },
      { timeout: 30_000, intervals: [1_000] },
    )
    .toBe(true);
  await expect(row.first()).toContainText('list');
  await expect(row.first()).toContainText('200');
  await snapshot(page, '4-audit');
});
