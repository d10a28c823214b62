import { expect, test } from '@playwright/test';
import { RunningBackend, startBackend } from '../support/backend';
import { e2eHubKubeconfig } from '../support/hub';

let backend: RunningBackend;

test.beforeAll(async () => {
  // The backend serves the built app (packages/app/dist) itself, as in production.
  backend = await startBackend({
    database: 'sqlite',
    hubKubeconfig: e2eHubKubeconfig(),
  });
});

test.afterAll(async () => {
  await backend?.stop();
});

test('a new user signs in as guest and sees the local hub on the Hostplane page', async ({
  page,
}, testInfo) => {
  await page.goto(backend.baseUrl);
  await page.getByRole('button', { name: 'Enter' }).click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Hostplane' }).click();
  await expect(page).toHaveURL(/\/hostplane$/);

  await expect(page.getByText('Hubs (1)')).toBeVisible();
  const row = page.getByRole('row', { name: /local/ });
  await expect(row.getByText('v1.37.2')).toBeVisible();
  await expect(row.getByText('Ready')).toBeVisible();

  await page.screenshot({
    path: testInfo.outputPath('hostplane-hubs.png'),
    fullPage: true,
  });
  await page.screenshot({
    path: 'artifacts/screenshots/hostplane-hubs.png',
    fullPage: true,
  });
});
