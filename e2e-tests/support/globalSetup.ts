import {
  DEMO_WORKLOAD,
  LOCAL_HUB_FIELD_MANAGER,
  LocalHub,
  StandinOperator,
  applyRealTenants,
  demoTenants,
  planTenants,
  seedDemoWorkload,
  seedTenants,
  waitForDemoPods,
} from '@hostplane/local-hub';
import fs from 'node:fs';
import path from 'node:path';
import { e2eHub, e2eTenantsWorkdir } from './hub';
import { keepLogs } from './keepLogs';

/** The stand-in operator global setup started, for global teardown to stop. */
export const STANDIN: { operator?: StandinOperator } = {};

/** Status-only clusters in the e2e hub: more than a page of them, in every phase. */
export const E2E_SEEDED_CLUSTERS = 120;

/** Every cluster in the e2e hub when the tests start: the seeded ones and the demo tenant. */
export const E2E_CLUSTERS = E2E_SEEDED_CLUSTERS + 1;

/**
 * Where a failed global setup leaves the hub's and the tenants' logs: global teardown removes the
 * hub's folder, and with it the only record of why, say, a controller never did its part.
 */
const SETUP_LOGS_DIR = path.join(__dirname, '..', 'artifacts', 'global-setup');

const log = (message: string) => process.stderr.write(`[e2e hub] ${message}\n`);

export default async function globalSetup() {
  fs.rmSync(SETUP_LOGS_DIR, { recursive: true, force: true });
  try {
    await setUpHub();
  } catch (error) {
    const kept = keepLogs(e2eHub().workdir, SETUP_LOGS_DIR);
    log(
      `global setup failed; ${kept} logs of the hub and its tenants kept in ${SETUP_LOGS_DIR}`,
    );
    throw error;
  }
}

async function setUpHub() {
  const hub = await LocalHub.start({ ...e2eHub(), fresh: true, log });
  // The stand-in for HyperShift's operators, in this (the runner's) process for the whole run. Three
  // real tenants at once: the demo's, and the clusters a spec creates, which kubectl reaches (the
  // backups spec needs two: the one it backs up and the one it restores into, both deleted after).
  const operator = new StandinOperator({
    hubKubeConfig: hub.kubeConfig(),
    maxRealTenants: 3,
    tenantsWorkdir: e2eTenantsWorkdir(),
    log,
  });
  await operator.start();
  STANDIN.operator = operator;
  // The demo tenant first, as `yarn hub start` makes it: its control plane comes up while the
  // status-only tenants are seeded.
  const { tenant } = DEMO_WORKLOAD;
  const demoStarted = Date.now();
  await applyRealTenants(
    hub.kubeConfig(),
    demoTenants().filter(
      t => t.namespace === tenant.namespace && t.name === tenant.name,
    ),
    LOCAL_HUB_FIELD_MANAGER,
  );
  await seedTenants(
    hub.kubeConfig(),
    planTenants({ count: E2E_SEEDED_CLUSTERS, seed: 3 }),
    {
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
      log,
    },
  );
  await seedDemoWorkload(operator, {
    fieldManager: LOCAL_HUB_FIELD_MANAGER,
    timeoutMs: 180_000,
  });
  // The Kubernetes tab's test compares the page with these pods: they must all run first.
  const pods = await waitForDemoPods(
    operator.tenant(tenant.namespace, tenant.name)!.kubeConfig(),
    { timeoutMs: 180_000 },
  );
  log(
    `demo workload running in tenant ${tenant.name} after ${Math.round(
      (Date.now() - demoStarted) / 1000,
    )} s: ${pods.map(p => p.metadata!.name).join(', ')}`,
  );
}
