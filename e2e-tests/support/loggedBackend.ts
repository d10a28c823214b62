import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from '@playwright/test';
import {
  LOCAL_HUB_RELEASES,
  LocalLogStore,
  RunningBackend,
  TenantProcesses,
  startBackend,
} from '@hostplane/local-hub';
import { e2eHubKubeconfig, e2eTenantsWorkdir } from './hub';

export interface LoggedBackend {
  backend: RunningBackend;
  logStore: LocalLogStore;
  /** The real tenants whose logs are collected, by cluster name. */
  tenants: Map<string, TenantProcesses>;
}

/**
 * The real backend on SQLite with the hub's log store, started before a spec's tests and stopped
 * after them. Global setup runs no log store (other specs need none), so this one runs here:
 * VictoriaLogs with the collector tailing the given real tenants' control-plane and audit logs
 * (they run in global setup's stand-in operator), and the backend searching it.
 */
export function useLoggedE2eBackend(
  clusters: Array<{ namespace: string; name: string }>,
): () => LoggedBackend {
  let running: Partial<LoggedBackend> = {};
  let workdir: string | undefined;
  test.beforeAll(async () => {
    workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostplane-e2e-logs-'));
    const tenants = new Map<string, TenantProcesses>();
    for (const cluster of clusters) {
      tenants.set(
        cluster.name,
        await TenantProcesses.open({
          ...cluster,
          workdir: e2eTenantsWorkdir(),
        }),
      );
    }
    running.tenants = tenants;
    running.logStore = await LocalLogStore.start({
      hub: 'local',
      workdir: path.join(workdir, 'store'),
      tenants: () =>
        clusters.map(cluster => {
          const tenant = tenants.get(cluster.name)!;
          return {
            ...cluster,
            clusterDir: tenant.clusterDir,
            etcdMembers: tenant.etcdMembers().length,
          };
        }),
    });
    // `hostplane.hubs` is a list: a later config file replaces it whole, so the hub is given
    // again in full, with its log store. JSON is YAML, as config files are read.
    const logsConfig = path.join(workdir, 'app-config.logs.yaml');
    fs.writeFileSync(
      logsConfig,
      JSON.stringify({
        hostplane: {
          hubs: [
            {
              name: 'local',
              kubeconfig: e2eHubKubeconfig(),
              releases: LOCAL_HUB_RELEASES,
              logs: { url: running.logStore.url },
            },
          ],
        },
      }),
    );
    running.backend = await startBackend({
      database: 'sqlite',
      hubKubeconfig: e2eHubKubeconfig(),
      extraConfigs: [logsConfig],
    });
  });
  test.afterAll(async () => {
    await running.backend?.stop();
    await running.logStore?.stop();
    running = {};
    if (workdir) fs.rmSync(workdir, { recursive: true, force: true });
  });
  return () => running as LoggedBackend;
}
