import {
  LOCAL_HUB_FIELD_MANAGER,
  LocalHub,
  planTenants,
  seedTenants,
} from '@hostplane/local-hub';
import { e2eHub } from './hub';

/** Status-only clusters in the e2e hub: more than a page of them, in every phase. */
export const E2E_SEEDED_CLUSTERS = 120;

export default async function globalSetup() {
  const log = (message: string) =>
    process.stderr.write(`[e2e hub] ${message}\n`);
  const hub = await LocalHub.start({ ...e2eHub(), fresh: true, log });
  await seedTenants(
    hub.kubeConfig(),
    planTenants({ count: E2E_SEEDED_CLUSTERS, seed: 3 }),
    {
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
      log,
    },
  );
}
