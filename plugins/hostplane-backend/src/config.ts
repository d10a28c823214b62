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
