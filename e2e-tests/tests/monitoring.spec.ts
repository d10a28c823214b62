import { Page, expect, test } from '@playwright/test';
import { DEMO_WORKLOAD, TenantProcesses } from '@hostplane/local-hub';
import { clusterEntityName } from '@hostplane/plugin-hostplane-common';
import { e2eTenantsWorkdir } from '../support/hub';
import { useMonitoredE2eBackend } from '../support/monitoredBackend';
import { visitUntilVisible } from '../support/portal';

const { tenant } = DEMO_WORKLOAD;

// Scraping starts with the spec, an alert fires after its rule's `for`, and the demo tenant's API
// server is started again at the end: minutes each on a busy machine, the backend's start included.
test.describe.configure({ timeout: 1_200_000 });

const monitored = useMonitoredE2eBackend();

/** A full-page screenshot kept under artifacts/screenshots. */
async function snapshot(page: Page, name: string) {
  await page.screenshot({
    path: `artifacts/screenshots/monitoring-${name}.png`,
    fullPage: true,
  });
}

/** A drawn line of a chart: recharts' curve with at least two points (a move and a line). */
const drawnLines = (page: Page, panel: string) =>
  page
    .getByTestId(`panel-${panel}`)
    .locator('path.recharts-line-curve[d*="L"]');

test(`a new user opens the Monitoring tab of the demo cluster ${tenant.name}, sees its charts, then a firing alert on its Alerts tab and as a badge on the Clusters page`, async ({
  page,
}) => {
  const processes = await TenantProcesses.open({
    ...tenant,
    workdir: e2eTenantsWorkdir(),
  });
  try {
    await chartsThenAlert(page, processes);
  } finally {
    // The specs after this one use the demo tenant: its API server runs again, as before.
    if (!(await processes.health()).kubeAPIServer) {
      await processes.stop();
      await processes.up();
    }
  }
});

async function chartsThenAlert(page: Page, processes: TenantProcesses) {
  const { baseUrl } = monitored().backend;
  const entityUrl = `${baseUrl}/catalog/default/resource/${clusterEntityName(
    'local',
    tenant.name,
  )}`;

  // The Monitoring tab, once the catalog has the cluster; its charts fill in as scrapes arrive
  // (a rate needs two), the tab asking again every 30 s.
  await visitUntilVisible(
    page,
    `${entityUrl}/monitoring`,
    page.getByTestId('panel-apiRequestRate'),
    240_000,
  );
  // Counted, not checked for visibility: a flat line has no height, which Playwright calls hidden.
  for (const panel of ['apiRequestRate', 'apiInflight', 'etcdDbSize']) {
    await expect
      .poll(() => drawnLines(page, panel).count(), { timeout: 180_000 })
      .toBeGreaterThan(0);
  }
  // The size chart: the database's size, what is in use, and its quota.
  await expect(drawnLines(page, 'etcdDbSize')).toHaveCount(3);
  await snapshot(page, '1-charts');

  // The API server dies; the rule (a `for` of seconds here) fires and Alertmanager posts it.
  processes.killComponent('kube-apiserver');
  const firing = page
    .getByRole('row')
    .filter({ hasText: 'KubeApiserverDown' })
    .filter({ hasText: 'critical · firing' });
  await visitUntilVisible(page, `${entityUrl}/alerts`, firing, 300_000);
  await expect(firing).toContainText('The API server is down');
  await expect(firing).toContainText(`The API server of ${tenant.name}`);
  await snapshot(page, '2-alerts');

  // The Clusters page badges it, linking to the Alerts tab.
  const badge = page
    .getByRole('row')
    .filter({ hasText: tenant.name })
    .getByRole('link', { name: /critical alerts? firing/ });
  await visitUntilVisible(
    page,
    `${baseUrl}/hostplane?q=${tenant.name}`,
    badge,
    120_000,
  );
  await snapshot(page, '3-clusters-badge');
  await badge.click();
  await expect(page).toHaveURL(`${entityUrl}/alerts`);
  await expect(firing).toBeVisible();

  // So does the cluster's overview.
  await visitUntilVisible(
    page,
    `${entityUrl}/cluster`,
    page.getByRole('link', { name: /critical alerts? firing/ }),
    120_000,
  );
  await snapshot(page, '4-overview-badge');
}
