import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The one hub an end-to-end run shares. Global setup picks a fresh folder and passes it to the
 * test workers through the environment, so two runs side by side never share a hub.
 */
export function e2eHub(): { name: string; workdir: string } {
  process.env.HOSTPLANE_E2E_HUB_WORKDIR ??= fs.mkdtempSync(
    path.join(os.tmpdir(), 'hostplane-e2e-hub-'),
  );
  return { name: 'e2e', workdir: process.env.HOSTPLANE_E2E_HUB_WORKDIR };
}

export function e2eHubKubeconfig(): string {
  const { name, workdir } = e2eHub();
  return path.join(workdir, 'clusters', name, 'kubeconfig.yaml');
}

/** Where the stand-in operator keeps the real tenants' processes and kubeconfigs. */
export function e2eTenantsWorkdir(): string {
  return path.join(e2eHub().workdir, 'tenants');
}
