import os from 'node:os';
import path from 'node:path';
import { Config } from '@backstage/config';

/** A hub's backups in a directory of the backend's filesystem. */
export interface DirectoryBackupStoreConfig {
  type: 'directory';
  path: string;
}

/**
 * A hub's backups in an S3 bucket. Without `credentials`, the AWS SDK's default chain applies
 * (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, a profile, the instance's role).
 */
export interface S3BackupStoreConfig {
  type: 's3';
  bucket: string;
  /** Prepended to every key; empty or ending with `/`. */
  prefix: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  credentials?: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  };
}

export type BackupStoreConfig =
  | DirectoryBackupStoreConfig
  | S3BackupStoreConfig;

/** The local hub's backups when nothing is configured: beside its state in the cache. */
export function localBackupDirectory(hubName: string): string {
  const cache =
    process.env.HOSTPLANE_CACHE ??
    path.join(os.homedir(), '.cache', 'hostplane');
  return path.join(cache, 'backups', hubName);
}

/**
 * Where each hub keeps its etcd backups (`hostplane.hubs[].backups`), by hub name. A hub without
 * `backups` has none configured and is left out; the implicit `local` hub (no `hostplane.hubs`)
 * keeps them in {@link localBackupDirectory}.
 */
export function readBackupStoreConfigs(
  config: Config,
): Map<string, BackupStoreConfig> {
  const hubs = config.getOptionalConfigArray('hostplane.hubs');
  if (!hubs) {
    return new Map([
      ['local', { type: 'directory', path: localBackupDirectory('local') }],
    ]);
  }
  const stores = new Map<string, BackupStoreConfig>();
  for (const hub of hubs) {
    const name = hub.getString('name');
    const backups = hub.getOptionalConfig('backups');
    if (backups) {
      stores.set(name, readBackupStoreConfig(backups, name));
    }
  }
  return stores;
}

function readBackupStoreConfig(
  backups: Config,
  hubName: string,
): BackupStoreConfig {
  const directory = backups.getOptionalConfig('directory');
  const s3 = backups.getOptionalConfig('s3');
  const where = `hostplane.hubs: hub '${hubName}' backups`;
  if (Boolean(directory) === Boolean(s3)) {
    throw new Error(`${where}: set exactly one of 'directory' and 's3'`);
  }
  if (directory) {
    const dir = directory.getString('path');
    if (!path.isAbsolute(dir)) {
      throw new Error(`${where}: directory path '${dir}' must be absolute`);
    }
    return { type: 'directory', path: dir };
  }
  const bucket = s3!.getString('bucket');
  const prefix = s3!.getOptionalString('prefix') ?? '';
  if (prefix !== '' && !prefix.endsWith('/')) {
    throw new Error(`${where}: s3 prefix '${prefix}' must end with '/'`);
  }
  const credentials = s3!.getOptionalConfig('credentials');
  return {
    type: 's3',
    bucket,
    prefix,
    region: s3!.getOptionalString('region') ?? 'us-east-1',
    endpoint: s3!.getOptionalString('endpoint'),
    forcePathStyle: s3!.getOptionalBoolean('forcePathStyle') ?? false,
    credentials: credentials && {
      accessKeyId: credentials.getString('accessKeyId'),
      secretAccessKey: credentials.getString('secretAccessKey'),
      sessionToken: credentials.getOptionalString('sessionToken'),
    },
  };
}
