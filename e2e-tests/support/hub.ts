import os from 'node:os';
import path from 'node:path';

/** The one hub the end-to-end run shares: started in global setup, deleted in teardown. */
export const E2E_HUB = {
  name: 'e2e',
  workdir: path.join(os.tmpdir(), `hostplane-e2e-hub-${process.env.USER ?? 'user'}`),
};

export function e2eHubKubeconfig(): string {
  return path.join(E2E_HUB.workdir, 'clusters', E2E_HUB.name, 'kubeconfig.yaml');
}
