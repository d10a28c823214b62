import { defineConfig } from '@playwright/test';

/**
 * The specs of the `scale` tier (`playwright.scale.config.ts`): they bring their own hub of
 * 10,000 clusters, and the `e2e` tier leaves them out.
 */
export const SCALE_SPECS = ['clustersAtScale.spec.ts'];

/**
 * Debian's chromium, not a Playwright-downloaded browser (nothing can be downloaded here). The
 * background-networking flags keep it from calling out to hosts this machine cannot reach.
 */
export default defineConfig({
  testDir: './tests',
  testIgnore: SCALE_SPECS,
  outputDir: './artifacts/output',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  globalSetup: require.resolve('./support/globalSetup'),
  globalTeardown: require.resolve('./support/globalTeardown'),
  use: {
    // A control that never appears fails its step in a minute, not at the test's timeout.
    actionTimeout: 60_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
