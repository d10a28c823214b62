import { expect, test } from '@playwright/test';
import {
  DEMO_WORKLOAD,
  TenantProcesses,
  listDemoPods,
} from '@hostplane/local-hub';
import { useE2eBackend } from '../support/e2eBackend';
import { e2eTenantsWorkdir } from '../support/hub';
import { visitUntilVisible } from '../support/portal';

const { component, tenant, replicas } = DEMO_WORKLOAD;

const backend = useE2eBackend();

test(`the Kubernetes tab of ${component} lists its pods in the real tenant ${tenant.name}`, async ({
  page,
}) => {
  // What runs in the tenant, read with the tenant's own admin kubeconfig: the page must show these.
  const tenantProcesses = await TenantProcesses.open({
    ...tenant,
    workdir: e2eTenantsWorkdir(),
  });
  const pods = (await listDemoPods(tenantProcesses.kubeConfig()))
    .map(p => p.metadata!.name!)
    .sort();
  expect(pods).toHaveLength(replicas);

  // The tab finds the tenant once both the catalog (payments-api `dependsOn` the cluster's
  // Resource) and the Kubernetes plugin's cluster supplier know it, some time after the backend
  // starts; until then it says it knows no resources, so the page is loaded again until the
  // tenant shows.
  const tabUrl = `${
    backend().baseUrl
  }/catalog/default/component/${component}/kubernetes`;
  const cluster = page
    .getByRole('button')
    .filter({ hasText: `${tenant.name} (hub local)` });
  await visitUntilVisible(page, tabUrl, cluster, 240_000);

  // The tenant as the cluster supplier names it, with every pod and none in error.
  await expect(cluster).toContainText(`${replicas} pods`);
  await expect(cluster).toContainText('No pods with errors');
  await cluster.click();
  const deployment = page
    .getByRole('button')
    .filter({ hasText: component })
    .filter({ hasText: `${replicas} pods` });
  await deployment.click();
  for (const pod of pods) {
    const row = page.getByRole('row').filter({ hasText: pod });
    await expect(row).toBeVisible();
    await expect(row).toContainText('Running');
  }
  await expect(
    page.getByRole('row').filter({ hasText: /Running/ }),
  ).toHaveCount(replicas);

  // Neither a fetch error from the backend nor a missing permission.
  await expect(
    page.getByText('There was a problem retrieving Kubernetes objects'),
  ).toHaveCount(0);
  await expect(page.getByText('Permission required')).toHaveCount(0);
  await page.screenshot({
    path: 'artifacts/screenshots/kubernetes-tab.png',
    fullPage: true,
  });
});
