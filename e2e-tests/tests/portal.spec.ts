import { expect, test } from '@playwright/test';
import { DEMO_WORKLOAD, demoTenants } from '@hostplane/local-hub';
import { clusterEntityName } from '@hostplane/plugin-hostplane-common';
import { useE2eBackend } from '../support/e2eBackend';
import { recordClusterPages, visitUntilVisible } from '../support/portal';
import { E2E_CLUSTERS } from '../support/globalSetup';

const backend = useE2eBackend();

test('a new user signs in as guest and sees the local hub on the Hostplane page', async ({
  page,
}, testInfo) => {
  await page.goto(backend().baseUrl);
  await page.getByRole('button', { name: 'Enter' }).click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Hostplane' }).click();
  await expect(page).toHaveURL(/\/hostplane$/);
  await page.getByRole('tab', { name: 'Hubs' }).click();

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

test('the Clusters page pages, filters and sorts on the server', async ({
  page,
}, testInfo) => {
  const { requests, responses } = recordClusterPages(page);
  await page.goto(backend().baseUrl);
  await page.getByRole('button', { name: 'Enter' }).click();
  await page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Hostplane' })
    .click();

  await expect(
    page.getByText(`1-50 of ${E2E_CLUSTERS}`).filter({ visible: true }),
  ).toBeVisible();
  // Responses are recorded once their body is read, which may be after the page shows them.
  await expect.poll(() => responses.length).toBeGreaterThan(0);
  expect(requests[0].searchParams.get('limit')).toBe('50');
  expect(requests[0].searchParams.get('offset')).toBe('0');
  // Fifty clusters' summaries, not all of them: under half of what all of them weigh.
  expect(responses[0]).toMatchObject({ items: 50, totalCount: E2E_CLUSTERS });
  const token = await page.evaluate(async () => {
    const response = await fetch('/api/auth/guest/refresh?env=development', {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    });
    return (await response.json()).backstageIdentity.token;
  });
  const all = await page.request.get(
    `${backend().baseUrl}/api/hostplane/clusters?limit=${E2E_CLUSTERS}`,
    {
      headers: { Authorization: `Bearer ${token}` },
    },
  );
  expect(responses[0].bytes).toBeLessThan((await all.body()).length / 2);
  await page.screenshot({
    path: 'artifacts/screenshots/hostplane-clusters.png',
    fullPage: true,
  });
  await page.screenshot({
    path: testInfo.outputPath('hostplane-clusters.png'),
    fullPage: true,
  });

  await page.getByRole('button', { name: 'Next Page' }).first().click();
  await expect(
    page.getByText(`51-100 of ${E2E_CLUSTERS}`).filter({ visible: true }),
  ).toBeVisible();
  await expect
    .poll(() => requests.at(-1)!.searchParams.get('offset'))
    .toBe('50');

  const degradedChip = page.getByRole('button', { name: /^Degraded \d+$/ });
  const degraded = Number((await degradedChip.textContent())!.split(' ')[1]);
  expect(degraded).toBeGreaterThan(0);
  await degradedChip.click();
  await expect
    .poll(() => requests.at(-1)!.searchParams.toString())
    .toMatch(/offset=0&.*phase=Degraded/);
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(degraded);
  await expect(rows.filter({ hasText: 'Degraded' })).toHaveCount(degraded);

  await page.getByRole('columnheader', { name: 'Version' }).click();
  await expect
    .poll(() => requests.at(-1)!.searchParams.get('sort'))
    .toBe('version');
});

test("a demo cluster's page has the cluster's tabs, no TechDocs, and its team as owner, whose page the catalog has", async ({
  page,
}) => {
  const { tenant } = DEMO_WORKLOAD;
  const { owner } = demoTenants().find(t => t.name === tenant.name)!;
  const entityUrl = `${
    backend().baseUrl
  }/catalog/default/resource/${clusterEntityName('local', tenant.name)}`;
  const ownerLink = page.getByRole('link', { name: owner, exact: true });
  // The catalog takes the cluster in some time after the backend starts.
  await visitUntilVisible(page, entityUrl, ownerLink.first(), 180_000);
  // The entity page's tabs are links. A cluster has no documentation, so it gets no TechDocs tab.
  await expect(
    page.getByRole('link', { name: 'Node pools', exact: true }),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'TechDocs', exact: true }),
  ).toHaveCount(0);
  await ownerLink.first().click();
  await expect(page).toHaveURL(new RegExp(`/catalog/default/group/${owner}$`));
  // The description comes from the group's entity (examples/org.yaml): the page is not a
  // "not found" one.
  await expect(
    page.getByText(/Demo team; owns the payments-\* tenant clusters/).first(),
  ).toBeVisible();
});

test("another team's cluster is the guest's to look at, not to operate: its actions are disabled and say why", async ({
  page,
}) => {
  const { tenant } = DEMO_WORKLOAD;
  const entityUrl = `${
    backend().baseUrl
  }/catalog/default/resource/${clusterEntityName('local', tenant.name)}`;
  const download = page.getByRole('button', { name: 'Download kubeconfig' });
  await visitUntilVisible(page, `${entityUrl}/access`, download, 180_000);
  // The portal's policy (plugins/permission-backend-module-hostplane): the guest is in `guests`,
  // not in the team that owns the demo cluster.
  await expect(download).toBeDisabled();
  await download.locator('..').hover();
  await expect(page.getByRole('tooltip')).toHaveText(
    'You are not allowed to download a kubeconfig for this cluster (hostplane.kubeconfig.issue)',
  );
  await page.screenshot({
    path: 'artifacts/screenshots/portal-other-teams-cluster-access.png',
    fullPage: true,
  });
});
