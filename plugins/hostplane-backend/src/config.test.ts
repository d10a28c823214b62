import os from 'node:os';
import { mockServices } from '@backstage/backend-test-utils';
import { LOCAL_HUB_RELEASES } from '@hostplane/plugin-hostplane-node';
import {
  readAutoDefragmentationConfig,
  readBackupScheduleSettings,
  readHostplaneSettings,
} from './config';

const settingsOf = (hostplane?: object) =>
  readHostplaneSettings(
    mockServices.rootConfig({ data: hostplane ? { hostplane } : {} }),
  );

describe('readHostplaneSettings', () => {
  it('gives the documented defaults, with the implicit local hub', () => {
    expect(settingsOf()).toEqual({
      hubs: [expect.objectContaining({ name: 'local' })],
      operations: {
        waitTimeoutMs: 30 * 60_000,
        leaseMs: 30_000,
        instanceId: os.hostname(),
      },
      decisionTtlMs: 5_000,
    });
    expect(settingsOf().hubs[0].releases).toEqual(LOCAL_HUB_RELEASES);
  });

  it('reads seconds as milliseconds; 0 turns the decision cache off', () => {
    const settings = settingsOf({
      operations: {
        waitTimeoutSeconds: 120,
        leaseSeconds: 10,
        instanceId: 'backend-0',
      },
      permissions: { decisionCacheSeconds: 0 },
    });
    expect(settings.operations).toEqual({
      waitTimeoutMs: 120_000,
      leaseMs: 10_000,
      instanceId: 'backend-0',
    });
    expect(settings.decisionTtlMs).toBe(0);
  });

  it.each([
    [
      { operations: { leaseSeconds: 0 } },
      'hostplane.operations.leaseSeconds must be a number of seconds above 0, not 0',
    ],
    [
      { operations: { waitTimeoutSeconds: -1 } },
      'hostplane.operations.waitTimeoutSeconds must be a number of seconds above 0, not -1',
    ],
    [
      { permissions: { decisionCacheSeconds: -5 } },
      'hostplane.permissions.decisionCacheSeconds must be a number of seconds from 0, not -5',
    ],
    [
      { hubs: [{ name: 'prod', kubeconfig: '/etc/prod.yaml' }] },
      "hostplane.hubs: hub 'prod' has no 'releases'",
    ],
  ])('refuses to start with %j', (hostplane, message) => {
    expect(() => settingsOf(hostplane)).toThrow(message);
  });
});

describe('readBackupScheduleSettings', () => {
  const read = (backups?: object) =>
    readBackupScheduleSettings(
      mockServices.rootConfig({ data: { hostplane: { backups } } }),
    );

  it('defaults to a retry after 30 s and a 30-day grace period', () => {
    expect(read()).toEqual({
      busyRetryMs: 30_000,
      deletedClusterGraceMs: 30 * 24 * 60 * 60 * 1000,
    });
    expect(read({ busyRetrySeconds: 5, deletedClusterGraceDays: 0 })).toEqual({
      busyRetryMs: 5_000,
      deletedClusterGraceMs: 0,
    });
  });

  it('refuses a negative grace period', () => {
    expect(() => read({ deletedClusterGraceDays: -1 })).toThrow(
      'hostplane.backups.deletedClusterGraceDays must be a number of days from 0, not -1',
    );
  });
});

describe('readAutoDefragmentationConfig', () => {
  const read = (defragmentation?: object) =>
    readAutoDefragmentationConfig(
      mockServices.rootConfig({
        data: { hostplane: { etcd: { defragmentation } } },
      }),
    );

  it("defaults to HyperShift's rule, every ten minutes", () => {
    expect(read()).toEqual({
      enabled: true,
      fragmentationThreshold: 0.45,
      minDbSizeBytes: 100 * 1024 * 1024,
      intervalMs: 600_000,
      maxConcurrent: 2,
    });
  });

  it.each([
    [{ fragmentationThreshold: 1.5 }, 'must be a fraction between 0 and 1'],
    [{ maxConcurrent: 0 }, 'must be a whole number from 1'],
    [{ intervalSeconds: 0 }, 'must be a number of seconds above 0'],
  ])('refuses %j', (defragmentation, message) => {
    expect(() => read(defragmentation)).toThrow(message);
  });
});
