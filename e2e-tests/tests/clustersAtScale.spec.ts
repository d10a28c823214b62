import { expect, test } from '@playwright/test';
import {
  LocalHub,
  RunningBackend,
  clustersOnHub,
  startBackend,
  startScaleHub,
} from '@hostplane/local-hub';
import { recordClusterPages, visit } from '../support/portal';

/**
 * The Clusters page with 10,000 status-only clusters in the hub: the browser gets one page of
 * them, and filtering and sorting are the server's. The scale hub is kept in the cache, so only a
 * machine's first run seeds it (about ten minutes); bench/ uses the same hub.
 */
const SCALE = 10_000;

let hub: LocalHub;
let backend: RunningBackend;
let token: string;

const api = async (path: string) => {
  const response = await fetch(`${backend.baseUrl}/api/hostplane${path}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return {
    bytes: (await response.clone().arrayBuffer()).byteLength,
    body: await response.json(),
  };
};

test.beforeAll(async () => {
  test.setTimeout(60 * 60_000);
  const log = (message: string) =>
    process.stderr.write(`[scale hub] ${message}\n`);
  hub = await startScaleHub({ count: SCALE, log });
  const onHub = (await clustersOnHub(hub)).length;
  backend = await startBackend({
    database: 'sqlite',
    hubKubeconfig: hub.kubeconfigPath,
  });
  token = await backend.guestToken();
  // The page is judged once the backend's cache holds every cluster on the hub.
  await expect
    .poll(async () => (await api('/clusters?limit=1')).body.totalCount, {
      timeout: 120_000,
    })
    .toBe(onHub);
});

test.afterAll(async () => {
  await backend?.stop();
  await hub?.stop();
});

test('with 10,000 clusters the Clusters page loads one page and leaves filtering and sorting to the server', async ({
  page,
}) => {
  const { totalCount, phaseCounts } = (await api('/clusters?limit=1')).body;
  expect(totalCount).toBeGreaterThanOrEqual(SCALE);

  const { requests, responses } = recordClusterPages(page);

  await visit(page, `${backend.baseUrl}/hostplane`);
  await expect(
    page.getByText(`1-50 of ${totalCount}`).filter({ visible: true }),
  ).toBeVisible();
  await expect.poll(() => responses.length).toBeGreaterThan(0);
  expect(requests[0].searchParams.get('limit')).toBe('50');
  expect(responses[0]).toMatchObject({ items: 50, totalCount });

  // What all of them would weigh, fetched the only way the API allows: pages of at most 500.
  let allBytes = 0;
  for (let offset = 0; offset < totalCount; offset += 500) {
    allBytes += (await api(`/clusters?limit=500&offset=${offset}`)).bytes;
  }
  expect(responses[0].bytes * 100).toBeLessThan(allBytes);
  await page.screenshot({
    path: 'artifacts/screenshots/clusters-at-scale.png',
    fullPage: true,
  });

  // Filtering by phase: the server answers with that phase's clusters and count.
  const phase = Object.entries(phaseCounts as Record<string, number>)
    .filter(([, count]) => count > 50)
    .map(([name]) => name)[0];
  await page
    .getByRole('button', { name: new RegExp(`^${phase} \\d+$`) })
    .click();
  await expect
    .poll(() => requests.at(-1)!.searchParams.get('phase'))
    .toBe(phase);
  await expect(
    page.getByText(`1-50 of ${phaseCounts[phase]}`).filter({ visible: true }),
  ).toBeVisible();
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(50);
  await expect(rows.filter({ hasText: phase })).toHaveCount(50);

  // Sorting by name, descending: the first row is the server's last name in that phase.
  const header = page.getByRole('columnheader', { name: 'Cluster' });
  await header.click();
  await expect
    .poll(() => requests.at(-1)!.searchParams.get('sort'))
    .toBe('name');
  await header.click();
  await expect
    .poll(() => requests.at(-1)!.searchParams.get('order'))
    .toBe('desc');
  const last = (
    await api(`/clusters?phase=${phase}&sort=name&order=desc&limit=1`)
  ).body.items[0].name;
  await expect(rows.first().getByRole('link', { name: last })).toBeVisible();

  // Searching: the text goes to the server, which counts the matches.
  const text = last.slice(0, Math.max(3, last.length - 2));
  const matches = (
    await api(
      `/clusters?phase=${phase}&text=${encodeURIComponent(text)}&limit=1`,
    )
  ).body.totalCount;
  await page.getByPlaceholder('Filter').fill(text);
  await expect.poll(() => requests.at(-1)!.searchParams.get('text')).toBe(text);
  await expect(
    page
      .getByText(`1-${Math.min(50, matches)} of ${matches}`)
      .filter({ visible: true }),
  ).toBeVisible();
  expect(responses.every(r => r.items <= 50)).toBe(true);
  await page.screenshot({
    path: 'artifacts/screenshots/clusters-at-scale-filtered.png',
    fullPage: true,
  });
});
