import { test } from '@playwright/test';
import { RunningBackend, startBackend } from '@hostplane/local-hub';
import { e2eHubKubeconfig } from './hub';

/**
 * Starts the real backend on SQLite against the e2e hub before a spec's tests and stops it after
 * them. The backend serves the built app (packages/app/dist) itself, as in production.
 */
export function useE2eBackend(): () => RunningBackend {
  let backend: RunningBackend | undefined;
  test.beforeAll(async () => {
    backend = await startBackend({
      database: 'sqlite',
      hubKubeconfig: e2eHubKubeconfig(),
    });
  });
  test.afterAll(async () => {
    await backend?.stop();
  });
  return () => backend!;
}
