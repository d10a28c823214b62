import { defineConfig } from '@playwright/test';
import e2e, { SCALE_SPECS } from './playwright.config';

/**
 * The `scale` tier: the specs against the cached 10,000-cluster hub, with the e2e tier's browser
 * and timeouts. Each starts its own hub and backend, so the e2e hub's global setup is left out.
 */
export default defineConfig({
  ...e2e,
  testIgnore: undefined,
  testMatch: SCALE_SPECS,
  globalSetup: undefined,
  globalTeardown: undefined,
  outputDir: './artifacts/scale-output',
});
