import { RootConfigService } from '@backstage/backend-plugin-api';
import {
  HubDefinition,
  readBackupStoreConfigs,
} from '@hostplane/plugin-hostplane-node';
import { Knex } from 'knex';
import { EtcdServices } from '../operations/etcdServices';
import { hubClusterEtcd } from '../operations/hubClusterEtcd';
import { BackupService } from './BackupService';
import {
  RestoreUrlSigner,
  readRestoreUrlSettings,
  sharedSigningKey,
} from './restoreUrls';
import { nextBackupAt } from './schedule';

/**
 * What the etcd operations work with: each hub's backup store (`hostplane.hubs[].backups`), the
 * signer of restore URLs (`hostplane.backups.restoreUrls`, its key shared through the database
 * unless configured), and the clusters' etcd through their hubs. `pluginBaseUrl` is where hubs
 * reach this plugin (the backend's external URL for it), unless configured.
 */
export async function createEtcdServices(options: {
  config: RootConfigService;
  hubs: HubDefinition[];
  db: Knex;
  pluginBaseUrl: () => Promise<string>;
  now?: () => Date;
}): Promise<EtcdServices> {
  const settings = readRestoreUrlSettings(options.config);
  const now = options.now ?? (() => new Date());
  const signer = new RestoreUrlSigner(
    settings.signingKey ?? (await sharedSigningKey(options.db)),
    settings.baseUrl ?? (await options.pluginBaseUrl()),
    settings.expiryMs,
    now,
  );
  const backups = new BackupService(
    options.hubs,
    readBackupStoreConfigs(options.config),
    signer,
    {
      now,
      nextScheduledAt: (cluster, after) => {
        const schedule = cluster.spec?.etcd.backup.schedule;
        return schedule
          ? nextBackupAt(schedule, `${cluster.hub}/${cluster.name}`, after)?.at
          : undefined;
      },
    },
  );
  return { etcd: hubClusterEtcd, backups, now };
}
