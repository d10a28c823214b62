import { Locator, Page, expect } from '@playwright/test';

/**
 * Opens a page of the portal, signing in as guest when the app asks: the guest session is not
 * kept across full page loads, so every `page.goto` asks again.
 */
export async function visit(page: Page, url: string) {
  await page.goto(url);
  const enter = page.getByRole('button', { name: 'Enter' });
  // The sidebar's link: a page may link to Hostplane elsewhere too (its own header, say).
  const signedIn = page
    .getByTestId('sidebar-root')
    .getByRole('link', { name: 'Hostplane' });
  await expect(enter.or(signedIn).first()).toBeVisible();
  if (await enter.isVisible()) await enter.click();
  await expect(signedIn).toBeVisible();
}

/**
 * Opens a page again and again until it shows `locator`: for what the catalog and the plugins
 * know only some time after the backend starts, where a page loaded too early never updates.
 */
export async function visitUntilVisible(
  page: Page,
  url: string,
  locator: Locator,
  timeoutMs: number,
) {
  await expect
    .poll(
      async () => {
        await visit(page, url);
        return expect(locator)
          .toBeVisible({ timeout: 15_000 })
          .then(() => true)
          .catch(() => false);
      },
      { timeout: timeoutMs, intervals: [5_000] },
    )
    .toBe(true);
}

/** One answer of `GET /api/hostplane/clusters` as the page received it. */
export interface ClusterPageResponse {
  bytes: number;
  items: number;
  totalCount: number;
}

/**
 * Records what the page asks the clusters API and what it gets back, so a test can check that
 * paging, filtering and sorting go to the server and how much each answer weighs.
 */
export function recordClusterPages(page: Page): {
  requests: URL[];
  responses: ClusterPageResponse[];
} {
  const requests: URL[] = [];
  const responses: ClusterPageResponse[] = [];
  page.on('response', async response => {
    const url = new URL(response.url());
    if (url.pathname === '/api/hostplane/clusters') {
      requests.push(url);
      const body = await response.body();
      const { items, totalCount } = JSON.parse(body.toString());
      responses.push({ bytes: body.length, items: items.length, totalCount });
    }
  });
  return { requests, responses };
}
