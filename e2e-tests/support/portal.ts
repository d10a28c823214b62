import { Page, expect } from '@playwright/test';

/**
 * Opens a page of the portal, signing in as guest when the app asks: the guest session is not
 * kept across full page loads, so every `page.goto` asks again.
 */
export async function visit(page: Page, url: string) {
  await page.goto(url);
  const enter = page.getByRole('button', { name: 'Enter' });
  const signedIn = page.getByRole('link', { name: 'Hostplane' });
  await expect(enter.or(signedIn).first()).toBeVisible();
  if (await enter.isVisible()) await enter.click();
  await expect(signedIn).toBeVisible();
}
