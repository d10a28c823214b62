import fs from 'node:fs';
import path from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObject,
} from '@kubernetes/client-node';
import {
  ETCD_RESTORED_ANNOTATION,
  ETCD_RESTORE_REQUEST_ANNOTATION,
} from '@hostplane/plugin-hostplane-common';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import { controlPlaneNamespace } from '../controlplane/render';
import { isAlive } from '../processes';
import { TenantProcesses } from '../TenantProcesses';
import { STANDIN_FIELD_MANAGER } from '../standin/fieldManager';
import { memberRevision } from './etcdApi';
import {
  InPlaceRestoreMarker,
  dataInFlux,
  inPlaceRestoreAction,
  parseRestoreRequest,
  phaseAfter,
  RestoreRequest,
} from './inPlaceRestore';
import {
  keepFirstMemberInCluster,
  memberResetAction,
  observeMembers,
  resetMember,
} from './memberReset';
import { RestoredMember, revisionBump } from './restoreArguments';
import {
  SnapshotUnavailable,
  downloadSnapshot,
  setAsideDataDir,
  snapshotStatus,
  stageRestoredMembers,
  stagedDataDir,
  swapInStagedData,
} from './snapshots';

/**
 * HyperShift's condition on a HostedCluster whose etcd was restored from a snapshot. The stand-in
 * also reports in-place restores with it (their failures, and the request last restored).
 */
export const ETCD_SNAPSHOT_RESTORED_CONDITION = 'EtcdSnapshotRestored';

type HostedCluster = KubernetesObject & { spec?: any; status?: any };

export interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration: number;
}

export interface StandinEtcdOptions {
  hubKubeConfig: KubeConfig;
  etcdutl: string;
  /**
   * Writes `ETCD_RESTORED_ANNOTATION` on the HostedCluster with the stand-in's field manager,
   * together with everything else that manager owns there (an apply leaving a field out drops it).
   */
  confirmRestored: (hc: HostedCluster, requestId: string) => Promise<void>;
  log: (message: string) => void;
}

/** A failing download is tried again after this long, doubling up to a minute. */
const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 60_000;

/** Present while a tenant is being created from a snapshot, until it has started. */
const creationMarker = (tenant: TenantProcesses) =>
  path.join(tenant.etcdRestoreDir, 'creating');
const inPlaceSnapshot = (tenant: TenantProcesses) =>
  path.join(tenant.etcdRestoreDir, 'in-place.db');
const markerPath = (tenant: TenantProcesses) =>
  path.join(tenant.etcdRestoreDir, 'in-place.json');

/** HyperShift's `spec.etcd.managed.storage.restoreSnapshotURL` (one entry at most). */
export function restoreSnapshotURL(hc: HostedCluster): string | undefined {
  return hc.spec?.etcd?.managed?.storage?.restoreSnapshotURL?.[0];
}

/**
 * What the stand-in does with a real tenant's etcd beyond running it, as HyperShift's operators
 * do, on the tenant's real etcd processes:
 * - a new tenant whose HostedCluster names `restoreSnapshotURL` has every member restored from
 *   that snapshot before its first start (HyperShift's etcd-init); a tenant that exists ignores
 *   the field, as HyperShift does;
 * - an in-place restore request (`ETCD_RESTORE_REQUEST_ANNOTATION`) rolls every member back to its
 *   snapshot, revision bumped and marked compacted, and is answered with `ETCD_RESTORED_ANNOTATION`;
 * - a member removed from the cluster, or whose data is gone once its pod is made anew, is reset
 *   and added again (HyperShift's `reset-member` init container).
 * Every restore keeps its state in files beside the tenant, so an interrupted one resumes.
 */
export class StandinEtcd {
  private readonly core: CoreV1Api;
  private readonly custom: CustomObjectsApi;
  /** The restore condition to report per tenant, when there is news since its status was read. */
  private readonly conditionByKey = new Map<string, Condition>();
  private readonly retries = new Map<
    string,
    { request: string; attempts: number; at: number }
  >();
  /** The uid of a member's pod when its data was first seen gone: a new uid is a new pod. */
  private readonly lostMemberPods = new Map<string, string | undefined>();

  constructor(private readonly options: StandinEtcdOptions) {
    this.core = options.hubKubeConfig.makeApiClient(CoreV1Api);
    this.custom = options.hubKubeConfig.makeApiClient(CustomObjectsApi);
  }

  /**
   * Starts a tenant this stand-in has not run yet: created from its snapshot when its
   * HostedCluster asks for one and it does not exist (or its creation from one was interrupted),
   * or with an in-place restore that stopped while its data was being replaced run on first.
   */
  async startTenant(hc: HostedCluster, tenant: TenantProcesses): Promise<void> {
    const marker = readMarker(tenant);
    if (marker && dataInFlux(marker.phase)) {
      await this.runInPlace(hc, tenant, marker);
      return;
    }
    const url = restoreSnapshotURL(hc);
    if (url && (!tenant.exists() || fs.existsSync(creationMarker(tenant)))) {
      await this.createFromSnapshot(hc, tenant, url);
    } else {
      await tenant.up();
    }
    keepFirstMemberInCluster(tenant);
  }

  /** For a running tenant: an in-place restore asked for or under way, then a member to reset. */
  async reconcile(hc: HostedCluster, tenant: TenantProcesses): Promise<void> {
    const key = keyOf(hc);
    const annotations = hc.metadata!.annotations ?? {};
    const action = inPlaceRestoreAction({
      request: parseRestoreRequest(
        annotations[ETCD_RESTORE_REQUEST_ANNOTATION],
      ),
      restored: annotations[ETCD_RESTORED_ANNOTATION],
      marker: readMarker(tenant),
    });
    switch (action.kind) {
      case 'refuse':
        this.report(hc, 'False', 'InvalidRestoreRequest', action.reason);
        return;
      case 'begin':
        if (!this.dueForAttempt(key, action.request.id)) return;
        try {
          const marker = await this.beginInPlace(tenant, action.request);
          this.retries.delete(key);
          await this.runInPlace(hc, tenant, marker);
        } catch (error) {
          if (!(error instanceof SnapshotUnavailable)) throw error;
          this.failedAttempt(key, action.request.id);
          this.options.log(
            `restore ${action.request.id} of ${key} refused, the tenant left as it was: ${error.message}`,
          );
          this.report(
            hc,
            'False',
            error.reason,
            `restore request ${action.request.id}: ${error.message}`,
          );
        }
        return;
      case 'resume':
        await this.runInPlace(hc, tenant, action.marker);
        return;
      default:
        await this.resetLostMember(hc, tenant);
    }
  }

  /**
   * The restore condition among a HostedCluster's conditions: the news of this stand-in, or else
   * the one the status already has (HyperShift keeps it once set).
   */
  conditions(hc: HostedCluster, current: Condition[]): Condition[] {
    const condition =
      this.conditionByKey.get(keyOf(hc)) ??
      current.find(c => c.type === ETCD_SNAPSHOT_RESTORED_CONDITION);
    return condition ? [condition] : [];
  }

  /**
   * Forgets a tenant that is torn down, with what a creation from a snapshot that never completed
   * left (a tenant that exists is deleted with its own state).
   */
  forget(namespace: string, name: string, tenant: TenantProcesses): void {
    if (!tenant.exists()) {
      for (const pid of tenant.processIds().filter(isAlive)) {
        process.kill(pid, 'SIGKILL');
      }
      fs.rmSync(tenant.clusterDir, { recursive: true, force: true });
    }
    fs.rmSync(tenant.etcdRestoreDir, { recursive: true, force: true });
    const key = `${namespace}/${name}`;
    this.conditionByKey.delete(key);
    this.retries.delete(key);
    for (const k of this.lostMemberPods.keys()) {
      if (k.startsWith(`${key}/`)) this.lostMemberPods.delete(k);
    }
  }

  private async createFromSnapshot(
    hc: HostedCluster,
    tenant: TenantProcesses,
    url: string,
  ): Promise<void> {
    const key = keyOf(hc);
    // Written first: until it goes, the tenant is restored again from scratch when next started.
    fs.mkdirSync(tenant.etcdRestoreDir, { recursive: true });
    fs.writeFileSync(creationMarker(tenant), '');
    const snapshot = path.join(tenant.etcdRestoreDir, 'creation.db');
    let refusal: SnapshotUnavailable | undefined;
    try {
      if (!fs.existsSync(snapshot)) {
        if (!this.dueForAttempt(key, 'creation')) {
          throw new Error(
            `${key} waits to download its etcd snapshot again (${
              this.conditionByKey.get(key)?.message
            })`,
          );
        }
        this.options.log(`downloading the etcd snapshot ${key} starts from`);
        await downloadSnapshot(url, snapshot);
      }
      const status = await snapshotStatus(this.options.etcdutl, snapshot);
      this.options.log(
        `restoring ${key}'s etcd from a snapshot at revision ${status.revision} before its first start`,
      );
      await tenant.up({}, async members => {
        const restored = restoredMembers(tenant, members);
        await stageRestoredMembers({
          etcdutl: this.options.etcdutl,
          snapshot,
          members: restored,
        }).catch(error => {
          refusal = error instanceof SnapshotUnavailable ? error : undefined;
          throw error;
        });
        swapInStagedData(
          restored.map(m => m.dataDir),
          { setAside: false },
        );
      });
    } catch (error) {
      const unavailable =
        error instanceof SnapshotUnavailable ? error : refusal;
      if (unavailable) {
        this.failedAttempt(key, 'creation');
        // Downloaded again on the next attempt: the URL may have been fixed.
        fs.rmSync(snapshot, { force: true });
        this.report(hc, 'False', unavailable.reason, unavailable.message);
        await this.writeConditions(hc);
      }
      throw error;
    }
    fs.rmSync(tenant.etcdRestoreDir, { recursive: true, force: true });
    this.retries.delete(key);
    this.report(
      hc,
      'True',
      'AsExpected',
      'etcd was restored from the snapshot before its first start',
    );
  }

  /**
   * Downloads and checks a request's snapshot and restores every member's data from it into
   * staging folders, with the tenant untouched; then records the restore as under way.
   */
  private async beginInPlace(
    tenant: TenantProcesses,
    request: RestoreRequest,
  ): Promise<InPlaceRestoreMarker> {
    const snapshot = inPlaceSnapshot(tenant);
    const members = restoredMembers(tenant, tenant.etcdMembers());
    try {
      this.options.log(
        `downloading the etcd snapshot of restore ${request.id} for ${tenant.name}`,
      );
      fs.rmSync(snapshot, { force: true });
      await downloadSnapshot(request.url, snapshot);
      const status = await snapshotStatus(this.options.etcdutl, snapshot);
      const live = (
        await Promise.all(
          tenant.etcdMembers().map(m => memberRevision(m.clientPort)),
        )
      ).filter((r): r is number => r !== undefined);
      const bump = revisionBump({
        snapshotRevision: status.revision,
        liveRevision: live.length > 0 ? Math.max(...live) : undefined,
      });
      await stageRestoredMembers({
        etcdutl: this.options.etcdutl,
        snapshot,
        members,
        bumpRevision: bump,
      });
      const marker: InPlaceRestoreMarker = {
        id: request.id,
        phase: 'stop',
        snapshotRevision: status.revision,
        bumpRevision: bump,
      };
      writeMarker(tenant, marker);
      this.options.log(
        `restoring ${tenant.name}'s etcd in place from revision ${status.revision}, bumped by ${bump}`,
      );
      return marker;
    } catch (error) {
      for (const member of members) {
        fs.rmSync(stagedDataDir(member.dataDir), {
          recursive: true,
          force: true,
        });
      }
      fs.rmSync(snapshot, { force: true });
      throw error;
    }
  }

  /** Runs an in-place restore on from its marker's phase to its end, recording each phase done. */
  private async runInPlace(
    hc: HostedCluster,
    tenant: TenantProcesses,
    from: InPlaceRestoreMarker,
  ): Promise<void> {
    const dataDirs = tenant
      .etcdMembers()
      .map((_, index) => tenant.etcdMemberDataDir(index));
    let marker: InPlaceRestoreMarker | undefined = from;
    while (marker) {
      switch (marker.phase) {
        case 'stop':
          await tenant.stop();
          // Its data is moved next: no process may still be writing it.
          await waitFor(
            `the processes of ${tenant.name} to exit`,
            async () => (tenant.processIds().some(isAlive) ? undefined : true),
            { timeoutMs: 30_000, intervalMs: 100 },
          );
          break;
        case 'swap':
          swapInStagedData(dataDirs, { setAside: true });
          break;
        case 'start':
          await tenant.up();
          break;
        case 'confirm':
          await this.options.confirmRestored(hc, marker.id);
          break;
        case 'clean':
          for (const dir of dataDirs) {
            fs.rmSync(setAsideDataDir(dir), { recursive: true, force: true });
          }
          fs.rmSync(inPlaceSnapshot(tenant), { force: true });
          fs.rmSync(markerPath(tenant), { force: true });
          this.report(
            hc,
            'True',
            'AsExpected',
            `etcd was restored in place for request ${marker.id}, its revision bumped by ${marker.bumpRevision}`,
          );
          this.options.log(`restore ${marker.id} of ${tenant.name} is done`);
          return;
        default: {
          const unknown: never = marker.phase;
          throw new Error(`unknown restore phase ${unknown}`);
        }
      }
      const next = phaseAfter(marker.phase);
      marker = next ? { ...marker, phase: next } : undefined;
      if (marker) writeMarker(tenant, marker);
    }
  }

  /** Resets at most one member of a highly available tenant (see `memberResetAction`). */
  private async resetLostMember(
    hc: HostedCluster,
    tenant: TenantProcesses,
  ): Promise<void> {
    if (tenant.etcdMembers().length < 2) return;
    const observed = await observeMembers(tenant);
    if (!observed) return;
    const key = keyOf(hc);
    const namespace = controlPlaneNamespace(
      hc.metadata!.namespace!,
      hc.metadata!.name!,
    );
    const lost = observed.states.filter(s => !s.running && !s.hasData);
    const podUids = new Map<number, string | undefined>();
    for (const { index } of lost) {
      const pod = await this.core
        .readNamespacedPod({ namespace, name: `etcd-${index}` })
        .catch(() => undefined);
      podUids.set(index, pod?.metadata?.uid);
      const noticed = `${key}/${index}`;
      if (!this.lostMemberPods.has(noticed)) {
        this.options.log(
          `etcd member ${index} of ${key} lost its data; it is reset when its pod etcd-${index} is made anew`,
        );
        this.lostMemberPods.set(noticed, pod?.metadata?.uid);
      }
    }
    const action = memberResetAction(observed.states, index => {
      const uid = podUids.get(index);
      return (
        uid !== undefined && uid !== this.lostMemberPods.get(`${key}/${index}`)
      );
    });
    if (action.kind !== 'reset') return;
    await resetMember({
      tenant,
      index: action.index,
      removeId: action.removeId,
      clientPort: observed.healthyClientPort,
      log: this.options.log,
    });
    this.lostMemberPods.delete(`${key}/${action.index}`);
  }

  /** Whether a failing download may be tried again now. */
  private dueForAttempt(key: string, request: string): boolean {
    const retry = this.retries.get(key);
    return !retry || retry.request !== request || Date.now() >= retry.at;
  }

  private failedAttempt(key: string, request: string): void {
    const before = this.retries.get(key);
    const attempts = before?.request === request ? before.attempts + 1 : 1;
    this.retries.set(key, {
      request,
      attempts,
      at:
        Date.now() +
        Math.min(RETRY_BASE_MS * 2 ** (attempts - 1), RETRY_MAX_MS),
    });
  }

  private report(
    hc: HostedCluster,
    status: 'True' | 'False',
    reason: string,
    message: string,
  ): void {
    this.conditionByKey.set(keyOf(hc), {
      type: ETCD_SNAPSHOT_RESTORED_CONDITION,
      status,
      reason,
      message,
      lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      observedGeneration: hc.metadata!.generation ?? 1,
    });
  }

  /**
   * Writes the restore condition into the HostedCluster's status when no other status is written:
   * a tenant that cannot be created yet.
   */
  private async writeConditions(hc: HostedCluster): Promise<void> {
    const current = hc.status ?? {};
    const others = ((current.conditions ?? []) as Condition[]).filter(
      c => c.type !== ETCD_SNAPSHOT_RESTORED_CONDITION,
    );
    await this.custom
      .patchNamespacedCustomObjectStatus({
        group: 'hypershift.openshift.io',
        version: 'v1beta1',
        namespace: hc.metadata!.namespace!,
        plural: 'hostedclusters',
        name: hc.metadata!.name!,
        fieldManager: STANDIN_FIELD_MANAGER,
        body: [
          {
            op: 'add',
            path: '/status',
            value: {
              ...current,
              conditions: [...others, ...this.conditions(hc, [])],
            },
          },
        ],
      })
      .catch(error => {
        if (error.code !== 404) throw error;
      });
  }
}

function keyOf(hc: HostedCluster): string {
  return `${hc.metadata!.namespace}/${hc.metadata!.name}`;
}

function readMarker(tenant: TenantProcesses): InPlaceRestoreMarker | undefined {
  const file = markerPath(tenant);
  return fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as InPlaceRestoreMarker)
    : undefined;
}

/** Written whole or not at all: a crash leaves the previous phase, which runs again. */
function writeMarker(
  tenant: TenantProcesses,
  marker: InPlaceRestoreMarker,
): void {
  fs.mkdirSync(tenant.etcdRestoreDir, { recursive: true });
  const written = `${markerPath(tenant)}.${process.pid}`;
  fs.writeFileSync(written, JSON.stringify(marker));
  fs.renameSync(written, markerPath(tenant));
}

function restoredMembers(
  tenant: TenantProcesses,
  members: Array<{ name: string; peerPort: number }>,
): Array<RestoredMember & { dataDir: string }> {
  return members.map((m, index) => ({
    name: m.name,
    peerURL: `http://127.0.0.1:${m.peerPort}`,
    dataDir: tenant.etcdMemberDataDir(index),
  }));
}
