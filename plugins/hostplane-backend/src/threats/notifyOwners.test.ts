import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import type { K8sAuditEvent } from '@hostplane/plugin-hostplane-common';
import type { Knex } from 'knex';
import { migrationsDirectory } from '../database/migrations';
import type { ClusterRef } from './detector';
import { ThreatDetection, readThreatSettings } from './ThreatDetection';
import { auditEvent, advance, podBody } from './__testUtils__/auditEvents';
import { RecordingNotifications } from './__testUtils__/recordingNotifications';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const owned = { hub: 'local', name: 'alpha' };
const unowned = { hub: 'local', name: 'beta' };
const OWNER = 'group:default/team-a';

/** The same pod mounting the node's root, created again and again: one critical alert. */
function hostMounts(n: number): K8sAuditEvent[] {
  return Array.from({ length: n }, () => {
    advance(1_000);
    return auditEvent({
      user: 'mallory',
      verb: 'create',
      resource: 'pods',
      namespace: 'shop',
      body: podBody('rootfs', {
        volumes: [{ name: 'host', hostPath: { path: '/' } }],
      }),
      code: 201,
    });
  });
}

function portForwards(n: number): K8sAuditEvent[] {
  return Array.from({ length: n }, () => {
    advance(1_000);
    return auditEvent({
      user: 'alice',
      verb: 'create',
      resource: 'pods',
      namespace: 'shop',
      name: 'web-0',
      subresource: 'portforward',
    });
  });
}

describe('notifying a cluster owner of threats', () => {
  let db: Knex;
  beforeAll(async () => {
    db = await databases.init('SQLITE_3');
    await db.migrate.latest({ directory: migrationsDirectory });
  });

  /** Detection as the backend wires it, with its notifications going to the recording. */
  async function detectionWith(notifications: RecordingNotifications) {
    const threats = await ThreatDetection.create({
      settings: readThreatSettings(mockServices.rootConfig({ data: {} })),
      db,
      logger: mockServices.logger.mock(),
    });
    threats.notifyOwners(notifications, (hub, cluster) =>
      hub === owned.hub && cluster === owned.name ? OWNER : undefined,
    );
    await threats.pipeline.reload();
    const detect = async (cluster: ClusterRef, events: K8sAuditEvent[]) => {
      await threats.store.insertEvents(cluster, events);
      await threats.pipeline.drain();
    };
    return { threats, detect };
  }

  it('notifies the owner once per high-likelihood alert, not per event, and not again after a restart', async () => {
    const notifications = new RecordingNotifications();
    const { threats, detect } = await detectionWith(notifications);
    const mounts = hostMounts(30);
    // Three batches, each detected on its own: the alert opens in the first, grows in the others.
    for (let i = 0; i < mounts.length; i += 10) {
      await detect(owned, mounts.slice(i, i + 10));
    }
    await detect(owned, portForwards(5));
    await detect(unowned, hostMounts(5));

    const alerts = await threats.store.listAlerts({ hub: 'local' });
    const mount = alerts.find(
      a => a.cluster === owned.name && a.ruleId === 'sensitive-host-mount',
    )!;
    expect(mount.count).toBe(30);
    expect(mount.likelihood).toBeGreaterThanOrEqual(0.55);
    const forward = alerts.find(a => a.ruleId === 'port-forward')!;
    expect(forward.count).toBe(5);
    expect(forward.likelihood).toBeLessThan(0.55);
    expect(
      alerts.some(
        a => a.cluster === unowned.name && a.ruleId === 'sensitive-host-mount',
      ),
    ).toBe(true);

    // Only the high-likelihood alert of the owned cluster, once.
    expect(notifications.sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: OWNER },
        payload: expect.objectContaining({
          title: `${mount.level} threat on alpha: ${mount.title}`,
          topic: 'hostplane.threats',
          scope: `hostplane-threat-${mount.id}`,
        }),
      },
    ]);

    // A restarted backend replays what it had received and sees another occurrence: same alert.
    const afterRestart = new RecordingNotifications();
    const restarted = await detectionWith(afterRestart);
    await restarted.detect(owned, mounts);
    await restarted.detect(owned, hostMounts(1));
    expect(afterRestart.sent).toEqual([]);
    expect((await restarted.threats.store.getAlert(mount.id))?.count).toBe(31);
  });
});
