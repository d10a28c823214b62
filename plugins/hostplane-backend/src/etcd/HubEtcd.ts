import { once } from 'node:events';
import { Duplex, Readable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { EtcdMemberHealth } from '@hostplane/plugin-hostplane-common';
import { EtcdClientTls, connectTls, readEtcdClientTls } from './clientTls';
import { EtcdSnapshotError, EtcdUnreachableError } from './errors';
import { EtcdGateway } from './gateway';
import {
  EtcdAlarmMember,
  EtcdMember,
  EtcdMemberStatus,
  decimalMemberId,
  parseAlarms,
  parseMember,
  parseMembers,
  parseStatus,
} from './gatewayMessages';
import { fragmentation } from './defragmentationPlan';
import { grpcServerStream } from './grpcStream';
import { openPortForwardSocket } from './portForwardSocket';
import { SnapshotDecoder } from './SnapshotDecoder';

/** Where a cluster's etcd runs on its hub. */
export interface HubEtcdTarget {
  /** The cluster's control-plane namespace. */
  namespace: string;
  /** Its etcd pods, in member order (`etcd-0` ... `etcd-<n-1>`). */
  pods: string[];
  /** etcd's client port in the pods. */
  port?: number;
  /**
   * A Secret in the namespace with a client certificate for etcd (HyperShift's `etcd-client-tls`):
   * when it exists, etcd is spoken to over TLS with it; when it does not, in plain HTTP.
   */
  clientTlsSecret?: string;
}

/** A member's status, and the pod it was read through. */
export type EtcdPodStatus = EtcdMemberStatus & { pod: string };

/** What is known of a snapshot before its first byte: the fields of a backup's `etcd`. */
export interface EtcdSnapshotInfo {
  /** The store's revision just before the snapshot began (the snapshot holds at least this). */
  revision: number;
  /** The database's size in the snapshot, without its trailing checksum. */
  dbSizeBytes: number;
  /** The etcd member (by name) it is streamed from. */
  member: string;
  /** That member's etcd version. */
  version: string;
}

export interface EtcdSnapshot {
  info: EtcdSnapshotInfo;
  pod: string;
  /** etcd's storage version of the data (`3.6.0`), which a restore needs at least. */
  storageVersion?: string;
  /**
   * The snapshot file's bytes, as `etcdctl snapshot save` writes them (the database, then its
   * SHA-256), ending only once the checksum was checked; it fails with EtcdSnapshotError on a
   * mismatch or a cut. Read it to its end or destroy it: either closes the connection.
   */
  stream: Readable;
  /** The database's SHA-256 (hex) as etcd sent it, once `stream` has ended. */
  sha256(): string | undefined;
}

/** What a defragmentation gave back. */
export interface DefragmentResult {
  pod: string;
  dbSizeBytesBefore: number;
  dbSizeBytesAfter: number;
}

/** How long the client certificate read from the Secret is used before it is read again. */
const CLIENT_TLS_TTL_MS = 60_000;
/** Defragmenting rewrites the whole database: a gigabyte can take minutes on slow disks. */
const DEFRAGMENT_TIMEOUT_MS = 15 * 60_000;
const COMPACT_TIMEOUT_MS = 5 * 60_000;
/** Until etcd's first snapshot message, which it sends once its read transaction is open. */
const SNAPSHOT_START_TIMEOUT_MS = 60_000;

/**
 * A cluster's etcd, reached through its hub: each request goes over a port-forward to one etcd
 * pod (the hub API's, as `kubectl port-forward`), in etcd's v3 JSON gateway (a snapshot in gRPC),
 * in TLS with the cluster's etcd client certificate when its Secret exists. Nothing stays open
 * between calls but a snapshot's stream, which its reader closes.
 *
 * Errors name the pod (`pod <namespace>/<pod>`) and the request that failed, never a credential:
 * EtcdUnreachableError when the member could not be reached, EtcdRequestError when etcd refused,
 * EtcdSnapshotError for a snapshot that cannot be trusted.
 */
export class HubEtcd {
  private readonly port: number;
  private clientTls?: {
    value: Promise<EtcdClientTls | undefined>;
    readAt: number;
  };

  constructor(
    private readonly kubeConfig: KubeConfig,
    readonly target: HubEtcdTarget,
  ) {
    if (target.pods.length === 0) {
      throw new Error(`no etcd pods given for ${target.namespace}`);
    }
    this.port = target.port ?? 2379;
  }

  /**
   * Every member's health, one per pod in order: a member that cannot be read is a value with
   * `reachable: false` and its `error`, not a failure. Its name and id come from the membership
   * when another member answers.
   */
  async members(): Promise<EtcdMemberHealth[]> {
    return (await this.health()).members;
  }

  /** Every member's health (as `members`), and the backend quota the members report. */
  async health(): Promise<{
    members: EtcdMemberHealth[];
    quotaBytes?: number;
  }> {
    const statuses = await this.statuses();
    const reachable = statuses.flatMap(s => ('status' in s ? [s.status] : []));
    let membership: EtcdMember[] = [];
    let alarms: EtcdAlarmMember[] = [];
    if (reachable.length > 0) {
      const via = reachable.map(s => s.pod);
      [membership, alarms] = await Promise.all([
        this.onAnyOf(via, gateway =>
          gateway.call('/v3/cluster/member/list', {}),
        ).then(parseMembers, () => []),
        this.onAnyOf(via, gateway =>
          gateway.call('/v3/maintenance/alarm', { action: 'GET' }),
        ).then(parseAlarms, () => []),
      ]);
    }
    const byPod = matchMembersToPods(statuses, membership);
    const alarmsOf = (id?: string) =>
      alarms.filter(a => a.memberId === id).map(a => a.alarm);
    const members = statuses.map((entry): EtcdMemberHealth => {
      const member = byPod.get(entry.pod);
      if (!('status' in entry)) {
        return {
          name: member?.name || entry.pod,
          pod: entry.pod,
          id: member?.id,
          reachable: false,
          leader: false,
          learner: member?.learner ?? false,
          alarms: alarmsOf(member?.id),
          error: entry.error,
        };
      }
      const { status } = entry;
      return {
        name: member?.name || entry.pod,
        pod: entry.pod,
        id: status.memberId,
        reachable: true,
        leader: status.leader,
        learner: status.learner,
        dbSizeBytes: status.dbSizeBytes,
        dbSizeInUseBytes: status.dbSizeInUseBytes,
        fragmentation: fragmentation(
          status.dbSizeBytes,
          status.dbSizeInUseBytes,
        ),
        raftIndex: status.raftIndex,
        raftTerm: status.raftTerm,
        version: status.version,
        alarms: alarmsOf(status.memberId),
        error: status.errors.join('; ') || undefined,
      };
    });
    return { members, quotaBytes: reachable[0]?.quotaBytes };
  }

  /** One member's own status, read through its pod. */
  async status(pod: string): Promise<EtcdPodStatus> {
    const raw = await this.gateway(pod).call('/v3/maintenance/status', {});
    return { ...parseStatus(raw), pod };
  }

  /** The cluster's membership, as any member answers it. */
  async memberList(): Promise<EtcdMember[]> {
    return parseMembers(
      await this.onAnyMember(gateway =>
        gateway.call('/v3/cluster/member/list', {}),
      ),
    );
  }

  /** The alarms raised in the cluster. */
  async alarms(): Promise<EtcdAlarmMember[]> {
    return parseAlarms(
      await this.onAnyMember(gateway =>
        gateway.call('/v3/maintenance/alarm', { action: 'GET' }),
      ),
    );
  }

  /** Disarms an alarm (after what raised it is dealt with: for NOSPACE, space freed). */
  async disarm(alarm: EtcdAlarmMember): Promise<void> {
    await this.onAnyMember(gateway =>
      gateway.call('/v3/maintenance/alarm', {
        action: 'DEACTIVATE',
        memberID: decimalMemberId(alarm.memberId),
        alarm: alarm.alarm,
      }),
    );
  }

  /** The store's current revision, read through the leader (linearizable). */
  async revision(): Promise<number> {
    const raw = await this.onAnyMember(gateway =>
      // Counting the one key "\0": only the answer's header, with the revision, is wanted.
      gateway.call<{ header?: { revision?: string } }>('/v3/kv/range', {
        key: Buffer.from([0]).toString('base64'),
        count_only: true,
      }),
    );
    return Number(raw.header?.revision ?? 0);
  }

  /**
   * Compacts the store's history up to `revision`; `physical` (the default) answers only once the
   * compaction is applied to the database, so its freed pages show in `dbSizeInUse`.
   */
  async compact(
    revision: number,
    { physical = true }: { physical?: boolean } = {},
  ): Promise<void> {
    await this.onAnyMember(gateway =>
      gateway.call(
        '/v3/kv/compaction',
        { revision: String(revision), physical },
        { timeoutMs: COMPACT_TIMEOUT_MS },
      ),
    );
  }

  /**
   * Defragments one member's database (it answers nothing else meanwhile); returns its size
   * before and after.
   */
  async defragment(pod: string): Promise<DefragmentResult> {
    const before = await this.status(pod);
    await this.gateway(pod).call(
      '/v3/maintenance/defragment',
      {},
      { timeoutMs: DEFRAGMENT_TIMEOUT_MS },
    );
    const after = await this.status(pod);
    return {
      pod,
      dbSizeBytesBefore: before.dbSizeBytes,
      dbSizeBytesAfter: after.dbSizeBytes,
    };
  }

  /**
   * Streams a snapshot of one member's database (the first pod that answers, unless `pod` is
   * given). Resolves once etcd has started sending it, with what is known of it then. The
   * snapshot is etcd's Maintenance/Snapshot in gRPC (HTTP/2 over the same port-forward), not the
   * JSON gateway: the gateway's base64-in-JSON runs several times slower than gRPC.
   */
  async snapshot(pod?: string): Promise<EtcdSnapshot> {
    const status = pod
      ? await this.status(pod)
      : await this.onAnyMember((_, p) => this.status(p));
    const membership = await this.memberList().catch(() => []);
    const member =
      membership.find(m => m.id === status.memberId)?.name || status.pod;
    const describe = this.describe(status.pod);
    const messages = await grpcServerStream(
      await this.connect(status.pod, 'h2'),
      {
        method: '/etcdserverpb.Maintenance/Snapshot',
        // An empty SnapshotRequest.
        request: Buffer.alloc(0),
        describe,
      },
    );
    const decoder = new SnapshotDecoder(describe);
    messages.on('error', error => {
      if (!decoder.destroyed) decoder.destroy(decoder.cut(error.message));
    });
    // The connection goes with the stream, whether it ends, fails or its reader destroys it.
    decoder.on('close', () => messages.destroy());
    messages.pipe(decoder);
    let start;
    try {
      [start] = await once(decoder, 'start', {
        signal: AbortSignal.timeout(SNAPSHOT_START_TIMEOUT_MS),
      });
    } catch (error) {
      decoder.destroy();
      if ((error as Error).name === 'AbortError') {
        throw new EtcdSnapshotError(
          `snapshot of ${describe}: etcd sent nothing within ${
            SNAPSHOT_START_TIMEOUT_MS / 1000
          } s`,
        );
      }
      throw error;
    }
    return {
      info: {
        revision: status.revision,
        dbSizeBytes: start.dbSizeBytes,
        member,
        version: status.version,
      },
      pod: status.pod,
      storageVersion: start.storageVersion ?? status.storageVersion,
      stream: decoder,
      sha256: () => decoder.sha256(),
    };
  }

  /**
   * Removes a member from the cluster (`id` in hexadecimal), asked of another member than the one
   * removed.
   */
  async memberRemove(id: string): Promise<void> {
    const others = (await this.statuses()).flatMap(s =>
      'status' in s && s.status.memberId !== id ? [s.pod] : [],
    );
    if (others.length === 0) {
      throw new EtcdUnreachableError(
        `no other etcd member of ${this.target.namespace} answers to remove member ${id} through`,
      );
    }
    await this.onAnyOf(others, gateway =>
      gateway.call('/v3/cluster/member/remove', { ID: decimalMemberId(id) }),
    );
  }

  /** Adds a member by its peer URLs, as a learner if asked; it joins once started with them. */
  async memberAdd(
    peerUrls: string[],
    { learner = false }: { learner?: boolean } = {},
  ): Promise<EtcdMember> {
    const raw = await this.onAnyMember(gateway =>
      gateway.call('/v3/cluster/member/add', {
        peerURLs: peerUrls,
        isLearner: learner,
      }),
    );
    return parseMember(raw);
  }

  /** Promotes a learner (`id` in hexadecimal) that has caught up to a voting member. */
  async memberPromote(id: string): Promise<void> {
    await this.onAnyMember(gateway =>
      gateway.call('/v3/cluster/member/promote', { ID: decimalMemberId(id) }),
    );
  }

  /**
   * A gateway call this class does not wrap (the test utilities' puts and deletes), on `pod` or on
   * the first member that answers.
   */
  async call<T = Record<string, unknown>>(
    route: string,
    body: object,
    options: { pod?: string; timeoutMs?: number } = {},
  ): Promise<T> {
    const run = (gateway: EtcdGateway) =>
      gateway.call<T>(route, body, { timeoutMs: options.timeoutMs });
    return options.pod ? run(this.gateway(options.pod)) : this.onAnyMember(run);
  }

  private async statuses(): Promise<
    Array<
      { pod: string; status: EtcdPodStatus } | { pod: string; error: string }
    >
  > {
    return Promise.all(
      this.target.pods.map(pod =>
        this.status(pod).then(
          status => ({ pod, status }),
          (error: Error) => ({ pod, error: error.message }),
        ),
      ),
    );
  }

  private onAnyMember<T>(
    run: (gateway: EtcdGateway, pod: string) => Promise<T>,
  ): Promise<T> {
    return this.onAnyOf(this.target.pods, run);
  }

  /**
   * Runs a request on the first of `pods` that can be reached; etcd's own refusal is final (any
   * member would answer the same).
   */
  private async onAnyOf<T>(
    pods: string[],
    run: (gateway: EtcdGateway, pod: string) => Promise<T>,
  ): Promise<T> {
    const unreachable: string[] = [];
    for (const pod of pods) {
      try {
        return await run(this.gateway(pod), pod);
      } catch (error) {
        if (!(error instanceof EtcdUnreachableError)) throw error;
        unreachable.push(error.message);
      }
    }
    throw new EtcdUnreachableError(
      `no etcd member of ${
        this.target.namespace
      } could be reached: ${unreachable.join('; ')}`,
    );
  }

  private describe(pod: string): string {
    return `pod ${this.target.namespace}/${pod}`;
  }

  /** A fresh connection to a pod's etcd port through the hub, in TLS when there is a certificate. */
  private async connect(pod: string, alpn: 'h2' | 'http/1.1'): Promise<Duplex> {
    const clientTls = await this.readClientTls();
    const socket = await openPortForwardSocket(this.kubeConfig, {
      namespace: this.target.namespace,
      pod,
      port: this.port,
    });
    return clientTls
      ? connectTls(socket, clientTls, this.describe(pod), alpn)
      : socket;
  }

  private gateway(pod: string): EtcdGateway {
    return new EtcdGateway(
      () => this.connect(pod, 'http/1.1'),
      this.describe(pod),
    );
  }

  private readClientTls(): Promise<EtcdClientTls | undefined> {
    const secret = this.target.clientTlsSecret;
    if (!secret) return Promise.resolve(undefined);
    if (
      !this.clientTls ||
      Date.now() - this.clientTls.readAt > CLIENT_TLS_TTL_MS
    ) {
      const value = readEtcdClientTls(
        this.kubeConfig,
        this.target.namespace,
        secret,
      );
      this.clientTls = { value, readAt: Date.now() };
      // A failed read is not kept: the next call reads again.
      value.catch(() => {
        if (this.clientTls?.value === value) this.clientTls = undefined;
      });
    }
    return this.clientTls.value;
  }
}

/**
 * Which membership entry each pod runs. A pod that answered is its member by id. A pod that did
 * not is matched by name (HyperShift names members after their pods), else, when as many members
 * are left unmatched as pods, in order: the one member left when one pod of three is down.
 */
function matchMembersToPods(
  statuses: Array<{ pod: string; status: EtcdPodStatus } | { pod: string }>,
  membership: EtcdMember[],
): Map<string, EtcdMember> {
  const matched = new Map<string, EtcdMember>();
  const used = new Set<string>();
  for (const entry of statuses) {
    if (!('status' in entry)) continue;
    const member = membership.find(m => m.id === entry.status.memberId);
    if (member) {
      matched.set(entry.pod, member);
      used.add(member.id);
    }
  }
  const unmatchedPods = statuses
    .filter(entry => !matched.has(entry.pod) && !('status' in entry))
    .map(entry => entry.pod);
  for (const pod of [...unmatchedPods]) {
    const member = membership.find(m => m.name === pod && !used.has(m.id));
    if (member) {
      matched.set(pod, member);
      used.add(member.id);
      unmatchedPods.splice(unmatchedPods.indexOf(pod), 1);
    }
  }
  const left = membership
    .filter(m => !used.has(m.id))
    .sort((a, b) => a.name.localeCompare(b.name));
  if (left.length === unmatchedPods.length) {
    unmatchedPods.forEach((pod, i) => matched.set(pod, left[i]));
  }
  return matched;
}
