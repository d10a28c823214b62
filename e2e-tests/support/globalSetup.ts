import path from 'node:path';
import {
  LOCAL_HUB_FIELD_MANAGER,
  LocalHub,
  StandinOperator,
  planTenants,
  seedTenants,
} from '@hostplane/local-hub';
import { e2eHub } from './hub';

/** The stand-in operator global setup started, for global teardown to stop. */
export const STANDIN: { operator?: StandinOperator } = {};

/** Status-only clusters in the e2e hub: more than a page of them, in every phase. */
export const E2E_SEEDED_CLUSTERS = 120;

export default async function globalSetup() {
  const log = (message: string) =>
    process.stderr.write(`[e2e hub] ${message}\n`);
  const hub = await LocalHub.start({ ...e2eHub(), fresh: true, log });
  // The stand-in for HyperShift's operators, in this (the runner's) process for the whole run:
  // a cluster created in the browser becomes a real tenant that kubectl can reach.
  const operator = new StandinOperator({
    hubKubeConfig: hub.kubeConfig(),
    maxRealTenants: 1,
    tenantsWorkdir: path.join(e2eHub().workdir, 'tenants'),
    log,
  });
  await operator.start();
  STANDIN.operator = operator;
  await seedTenants(
    hub.kubeConfig(),
    planTenants({ count: E2E_SEEDED_CLUSTERS, seed: 3 }),
    {
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
      log,
    },
  );
}
