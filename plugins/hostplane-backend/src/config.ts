import os from 'node:os';
import { RootConfigService } from '@backstage/backend-plugin-api';
import {
  HubDefinition,
  readHubDefinitions,
} from '@hostplane/plugin-hostplane-node';

/** How the engine runs operations. */
export interface OperationSettings {
  /** How long a step waits for the hub to converge before failing. */
  waitTimeoutMs: number;
  /** How long an instance's claim on a running operation lasts without renewal. */
  leaseMs: number;
  /** The name this instance holds operation leases under. */
  instanceId: string;
}

/** Everything the backend reads from `hostplane.*`, with the defaults applied. */
export interface HostplaneSettings {
  hubs: HubDefinition[];
  operations: OperationSettings;
  /** How long a caller's permission decision is reused (policy changes take this long). */
  decisionTtlMs: number;
}

/** The defaults `config.d.ts` documents. */
export const DEFAULT_OPERATION_SETTINGS = {
  waitTimeoutMs: 30 * 60_000,
  leaseMs: 30_000,
} as const;
const DEFAULT_DECISION_TTL_MS = 5_000;

/** Reads the backend's settings; a wrong one (a hub without releases, say) stops the start. */
export function readHostplaneSettings(
  config: RootConfigService,
): HostplaneSettings {
  return {
    hubs: readHubDefinitions(config),
    operations: {
      waitTimeoutMs: secondsAsMs(
        config,
        'hostplane.operations.waitTimeoutSeconds',
        DEFAULT_OPERATION_SETTINGS.waitTimeoutMs,
      ),
      leaseMs: secondsAsMs(
        config,
        'hostplane.operations.leaseSeconds',
        DEFAULT_OPERATION_SETTINGS.leaseMs,
      ),
      instanceId:
        config.getOptionalString('hostplane.operations.instanceId') ??
        os.hostname(),
    },
    // 0 is allowed: no decision is reused (tests that change the policy mid-way use it).
    decisionTtlMs: secondsAsMs(
      config,
      'hostplane.permissions.decisionCacheSeconds',
      DEFAULT_DECISION_TTL_MS,
      { zeroAllowed: true },
    ),
  };
}

function secondsAsMs(
  config: RootConfigService,
  key: string,
  defaultMs: number,
  { zeroAllowed = false } = {},
): number {
  const seconds = config.getOptionalNumber(key);
  if (seconds === undefined) return defaultMs;
  if (seconds < 0 || (seconds === 0 && !zeroAllowed)) {
    throw new Error(
      `${key} must be a number of seconds ${
        zeroAllowed ? 'from 0' : 'above 0'
      }, not ${seconds}`,
    );
  }
  return seconds * 1000;
}

/** How scheduled backups are taken and kept (`hostplane.backups`). */
export interface BackupScheduleSettings {
  /** How soon a slot whose cluster was busy is tried again. */
  busyRetryMs: number;
  /** How long a deleted cluster's backups are kept from when it is found gone. */
  deletedClusterGraceMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Reads `hostplane.backups`' schedule settings, with the defaults `config.d.ts` documents. */
export function readBackupScheduleSettings(
  config: RootConfigService,
): BackupScheduleSettings {
  const graceDays = config.getOptionalNumber(
    'hostplane.backups.deletedClusterGraceDays',
  );
  if (graceDays !== undefined && !(graceDays >= 0)) {
    throw new Error(
      `hostplane.backups.deletedClusterGraceDays must be a number of days from 0, not ${graceDays}`,
    );
  }
  return {
    busyRetryMs: secondsAsMs(
      config,
      'hostplane.backups.busyRetrySeconds',
      30_000,
    ),
    deletedClusterGraceMs: (graceDays ?? 30) * DAY_MS,
  };
}

/** Automatic defragmentation of etcd members (`hostplane.etcd.defragmentation`). */
export interface AutoDefragmentationConfig {
  enabled: boolean;
  fragmentationThreshold: number;
  minDbSizeBytes: number;
  intervalMs: number;
  maxConcurrent: number;
}

/** Reads `hostplane.etcd.defragmentation`, with HyperShift's thresholds by default. */
export function readAutoDefragmentationConfig(
  config: RootConfigService,
): AutoDefragmentationConfig {
  const key = 'hostplane.etcd.defragmentation';
  const threshold =
    config.getOptionalNumber(`${key}.fragmentationThreshold`) ?? 0.45;
  if (!(threshold > 0 && threshold < 1)) {
    throw new Error(
      `${key}.fragmentationThreshold must be a fraction between 0 and 1, not ${threshold}`,
    );
  }
  const minDbSizeBytes =
    config.getOptionalNumber(`${key}.minDbSizeBytes`) ?? 100 * 1024 * 1024;
  if (!(minDbSizeBytes >= 0)) {
    throw new Error(
      `${key}.minDbSizeBytes must be a number of bytes from 0, not ${minDbSizeBytes}`,
    );
  }
  const maxConcurrent = config.getOptionalNumber(`${key}.maxConcurrent`) ?? 2;
  if (!(Number.isInteger(maxConcurrent) && maxConcurrent >= 1)) {
    throw new Error(
      `${key}.maxConcurrent must be a whole number from 1, not ${maxConcurrent}`,
    );
  }
  return {
    enabled: config.getOptionalBoolean(`${key}.enabled`) ?? true,
    fragmentationThreshold: threshold,
    minDbSizeBytes,
    intervalMs: secondsAsMs(config, `${key}.intervalSeconds`, 600_000),
    maxConcurrent,
  };
}
