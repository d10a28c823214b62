import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ETCD_RESTORE_REQUEST_ANNOTATION } from '@hostplane/plugin-hostplane-common';
import { TenantProcesses } from '../TenantProcesses';
import { InPlaceRestoreMarker } from './inPlaceRestore';
import { ETCD_SNAPSHOT_RESTORED_CONDITION, StandinEtcd } from './StandinEtcd';
import { setAsideDataDir, stagedDataDir } from './snapshots';

/**
 * A tenant whose processes are only recorded: the phases of an in-place restore are driven against
 * real folders, with a "crash" (a thrown error) wherever a test asks for one. The hub test runs
 * them against real processes.
 */
class RecordedTenant {
  readonly calls: string[] = [];
  crashOn?: 'stop' | 'up';
  readonly name = 'clusters-ha';

  constructor(readonly root: string) {}

  get etcdRestoreDir() {
    return path.join(this.root, 'clusters-ha.etcd-restore');
  }

  etcdMembers() {
    return [0, 1, 2].map(i => ({
      name: `node${i}`,
      clientPort: 1,
      peerPort: 2,
    }));
  }

  etcdMemberDataDir(index: number) {
    return path.join(this.root, `node${index}`);
  }

  processIds() {
    return [];
  }

  async stop() {
    this.record('stop');
  }

  async up() {
    this.record('up');
  }

  private record(call: 'stop' | 'up') {
    this.calls.push(call);
    if (this.crashOn === call) {
      this.crashOn = undefined;
      throw new Error(`crashed during ${call}`);
    }
  }
}

/** The phases of a restore make no hub call (the confirmation is the stand-in's callback). */
function unreachableHub(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'hub', server: 'https://127.0.0.1:1' }],
    users: [{ name: 'nobody' }],
    contexts: [{ name: 'hub', cluster: 'hub', user: 'nobody' }],
    currentContext: 'hub',
  });
  return kubeConfig;
}

const contents = (dir: string) =>
  fs.existsSync(dir) ? fs.readFileSync(path.join(dir, 'db'), 'utf8') : null;

describe('StandinEtcd in-place restore phases', () => {
  let root: string;
  let tenant: RecordedTenant;
  let confirmed: string[];
  let confirmCrashes: number;
  let etcd: StandinEtcd;
  const hc = {
    apiVersion: 'hypershift.openshift.io/v1beta1',
    kind: 'HostedCluster',
    metadata: {
      namespace: 'clusters',
      name: 'ha',
      generation: 1,
      annotations: {
        [ETCD_RESTORE_REQUEST_ANNOTATION]: JSON.stringify({
          id: 'r1',
          url: 'https://portal.example/snapshot',
        }),
      },
    },
  };

  const markerFile = () => path.join(tenant.etcdRestoreDir, 'in-place.json');
  const writeMarker = (phase: InPlaceRestoreMarker['phase']) => {
    fs.mkdirSync(tenant.etcdRestoreDir, { recursive: true });
    const marker: InPlaceRestoreMarker = {
      id: 'r1',
      phase,
      snapshotRevision: 10,
      bumpRevision: 1_000_000,
    };
    fs.writeFileSync(markerFile(), JSON.stringify(marker));
  };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-etcd-'));
    tenant = new RecordedTenant(root);
    confirmed = [];
    confirmCrashes = 0;
    etcd = new StandinEtcd({
      hubKubeConfig: unreachableHub(),
      etcdutl: '/nonexistent/etcdutl',
      confirmRestored: async (_hc, id) => {
        if (confirmCrashes > 0) {
          confirmCrashes--;
          throw new Error('crashed during confirm');
        }
        confirmed.push(id);
      },
      log: () => {},
    });
    // What the first phase finds: each member's live data, its restored data staged beside it.
    for (const index of [0, 1, 2]) {
      const dataDir = tenant.etcdMemberDataDir(index);
      fs.mkdirSync(dataDir);
      fs.writeFileSync(path.join(dataDir, 'db'), `live-${index}`);
      fs.mkdirSync(stagedDataDir(dataDir));
      fs.writeFileSync(
        path.join(stagedDataDir(dataDir), 'db'),
        `restored-${index}`,
      );
    }
    writeMarker('stop');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const reconcile = () =>
    etcd.reconcile(hc, tenant as unknown as TenantProcesses);
  const expectRestored = () => {
    expect([0, 1, 2].map(i => contents(tenant.etcdMemberDataDir(i)))).toEqual([
      'restored-0',
      'restored-1',
      'restored-2',
    ]);
    expect(
      [0, 1, 2].flatMap(i => [
        fs.existsSync(setAsideDataDir(tenant.etcdMemberDataDir(i))),
        fs.existsSync(stagedDataDir(tenant.etcdMemberDataDir(i))),
      ]),
    ).toEqual([false, false, false, false, false, false]);
    expect(fs.existsSync(markerFile())).toBe(false);
    expect(confirmed).toEqual(['r1']);
    expect(
      etcd.conditions(hc, []).map(c => [c.type, c.status, c.reason]),
    ).toEqual([[ETCD_SNAPSHOT_RESTORED_CONDITION, 'True', 'AsExpected']]);
  };

  it('runs every phase in order: stop, swap the data, start, confirm, clean', async () => {
    await reconcile();
    expect(tenant.calls).toEqual(['stop', 'up']);
    expectRestored();
  });

  it.each([
    ['stop', 'stop'],
    ['start', 'up'],
  ] as const)(
    'resumes after a crash during %s, and the data is swapped once',
    async (phase, call) => {
      tenant.crashOn = call;
      await expect(reconcile()).rejects.toThrow(`crashed during ${call}`);
      const marker = JSON.parse(fs.readFileSync(markerFile(), 'utf8'));
      expect(marker.phase).toBe(phase);
      await reconcile();
      expectRestored();
    },
  );

  it('resumes after a crash while confirming, without starting twice', async () => {
    confirmCrashes = 1;
    await expect(reconcile()).rejects.toThrow('crashed during confirm');
    expect(JSON.parse(fs.readFileSync(markerFile(), 'utf8')).phase).toBe(
      'confirm',
    );
    await reconcile();
    expect(tenant.calls).toEqual(['stop', 'up']);
    expectRestored();
  });

  it('finishes a swap interrupted between two members, never keeping a member half-swapped', async () => {
    // Member 0 swapped; member 1 set aside, its restored data not yet in place.
    const dir = (i: number) => tenant.etcdMemberDataDir(i);
    fs.renameSync(dir(0), setAsideDataDir(dir(0)));
    fs.renameSync(stagedDataDir(dir(0)), dir(0));
    fs.renameSync(dir(1), setAsideDataDir(dir(1)));
    writeMarker('swap');
    await reconcile();
    expect(tenant.calls).toEqual(['up']);
    expectRestored();
  });

  it('keeps no restore under way once it is done, so a request answered is not run again', async () => {
    await reconcile();
    const answered = {
      ...hc,
      metadata: {
        ...hc.metadata,
        annotations: {
          ...hc.metadata.annotations,
          'hostplane.io/etcd-restored': 'r1',
        },
      },
    };
    await etcd.reconcile(answered, tenant as unknown as TenantProcesses);
    expect(tenant.calls).toEqual(['stop', 'up']);
    expect(confirmed).toEqual(['r1']);
  });
});
