import {
  BackupStore,
  BackupStoreConfig,
} from '@hostplane/plugin-hostplane-node';
import { DirectoryBackupStore } from './DirectoryBackupStore';
import { S3BackupStore } from './S3BackupStore';

/** The store a hub's `backups` configuration names (read by `readBackupStoreConfigs`). */
export function createBackupStore(config: BackupStoreConfig): BackupStore {
  switch (config.type) {
    case 'directory':
      return new DirectoryBackupStore(config.path);
    case 's3':
      return new S3BackupStore(config);
    default:
      throw new Error(
        `unknown backup store type '${(config as { type: string }).type}'`,
      );
  }
}
