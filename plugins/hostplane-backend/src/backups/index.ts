export { createBackupStore } from './createBackupStore';
export { DirectoryBackupStore } from './DirectoryBackupStore';
export { S3BackupStore } from './S3BackupStore';
export {
  decryptBackupStream,
  encryptBackupStream,
  generateBackupKey,
} from './encryption';
export type { BackupKey, BackupKeyring } from './encryption';
export * from './errors';
export { deleteBackup, pruneBackups } from './pruneBackups';
export {
  listBackups,
  readBackupMetadata,
  restoreSnapshotToFile,
  verifyBackup,
} from './readBackup';
export { DEFAULT_EXPONENTIAL_RETENTION, backupsToDelete } from './retention';
export type { ExponentialRetention, RetentionPolicy } from './retention';
export { writeBackup } from './writeBackup';
export type { BackupDescription } from './writeBackup';
