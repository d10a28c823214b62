import { CustomErrorBase } from '@backstage/errors';

/**
 * A stored backup that cannot be used; raised while verifying or decrypting it, before anything is
 * restored from it. Each subclass names one cause.
 */
export abstract class BackupRefusedError extends CustomErrorBase {}

/** The backup was encrypted with a key this hub does not hold (or under the same id, another key). */
export class WrongBackupKeyError extends BackupRefusedError {
  name = 'WrongBackupKeyError' as const;
}

/** The stored bytes were altered: a checksum or an authentication tag does not match. */
export class CorruptedBackupError extends BackupRefusedError {
  name = 'CorruptedBackupError' as const;
}

/** The stored object ends early: an upload cut short, or a file cut after it was written. */
export class TruncatedBackupError extends BackupRefusedError {
  name = 'TruncatedBackupError' as const;
}
