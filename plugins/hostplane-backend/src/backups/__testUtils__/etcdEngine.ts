import { LoggerService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { HypershiftKubevirtProvider } from '@hostplane/plugin-hostplane-backend-module-hypershift';
import { LOCAL_HUB_RELEASES } from '@hostplane/plugin-hostplane-node';
import { KubeConfig } from '@kubernetes/client-node';
import { Knex } from 'knex';
import { createEngine } from '../../engine';
import { createEtcdServices } from '../createEtcdServices';
import { EtcdAutomationSettings } from '../etcdAutomation';

/** A logger that keeps what it is told, printing errors and warnings as they come when asked to. */
export function recordingLogger(print = false): LoggerService & {
  lines: string[];
} {
  const lines: string[] = [];
  const write = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
    if (print) process.stdout.write(`${level} ${message}\n`);
  };
  const logger = {
    lines,
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

/**
 * The lifecycle engine on the local hub with its etcd services: backups in `storeDir`, restore
 * URLs served at `restoreBaseUrl` (by whoever serves the backups router there), and, when
 * `automation` is given, the backup schedule and automatic defragmentation.
 */
export async function createEtcdEngine(options: {
  kubeconfigPath: string;
  db: Knex;
  instanceId: string;
  storeDir: string;
  logger: LoggerService;
  leaseMs: number;
  waitTimeoutMs?: number;
  restoreBaseUrl?: string;
  automation?: EtcdAutomationSettings;
}) {
  const provider = new HypershiftKubevirtProvider();
  const hubs = [
    {
      name: 'local',
      provider: provider.id,
      releases: LOCAL_HUB_RELEASES,
      kubeConfig: () => {
        const kubeConfig = new KubeConfig();
        kubeConfig.loadFromFile(options.kubeconfigPath);
        return kubeConfig;
      },
    },
  ];
  // A plain reader rather than the test utilities' mock: the crash worker loads this outside Jest,
  // where those utilities would cost every start of its process seconds.
  const config = new ConfigReader({
    hostplane: {
      hubs: [
        {
          name: 'local',
          kubeconfig: options.kubeconfigPath,
          releases: LOCAL_HUB_RELEASES,
          backups: { directory: { path: options.storeDir } },
        },
      ],
    },
  });
  const etcd = await createEtcdServices({
    config,
    hubs,
    db: options.db,
    pluginBaseUrl: async () =>
      options.restoreBaseUrl ?? 'http://127.0.0.1:9/api/hostplane',
  });
  const engine = createEngine({
    hubs,
    providers: new Map([[provider.id, provider]]),
    db: options.db,
    logger: options.logger,
    operations: {
      waitTimeoutMs: options.waitTimeoutMs ?? 120_000,
      instanceId: options.instanceId,
      leaseMs: options.leaseMs,
    },
    etcd,
    etcdAutomation: options.automation,
  });
  return { engine, etcd, hubs, provider };
}
