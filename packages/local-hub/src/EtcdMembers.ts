import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import { etcdHealthy } from './KwokctlCluster';
import { keptPort } from './ports';
import { isAlive } from './processes';

/** An etcd endpoint's answer other than 2xx. */
class EtcdRefusal extends Error {
  constructor(route: string, readonly status: number, body: string) {
    super(`etcd ${route} answered ${status}: ${body}`);
  }
}

/** One member of a tenant's etcd cluster, on loopback, plain HTTP as kwokctl runs etcd. */
export interface EtcdMember {
  /** The member's name in etcd: `node<index>`, as kwokctl names its own first member. */
  name: string;
  clientPort: number;
  peerPort: number;
}

const url = (port: number) => `http://127.0.0.1:${port}`;

/** The member's place in the cluster, which is also its etcd pod's ordinal. */
const memberIndex = (member: EtcdMember) =>
  Number(member.name.slice('node'.length));

/** The name of the log (and pid) file of a member: the first is kwokctl's `etcd`. */
export function memberComponent(index: number): string {
  return index === 0 ? 'etcd' : `etcd-${index}`;
}

interface EtcdMembersOptions {
  /** kwokctl's folder of the tenant (its etcd is the first member). */
  clusterDir: string;
  /** Where the ports of the other members are kept, chosen before the tenant is created. */
  planPath: string;
  etcdBinary: string;
  /** The backend quota the members start with, the first member's; etcd's 8 GiB when unset. */
  quotaBackendBytes?: () => number | undefined;
  log: (message: string) => void;
}

/**
 * The members of a tenant's etcd beyond the one kwokctl runs (it runs exactly one). A highly
 * available tenant gets two more, joined the way an operator grows an etcd cluster: each is added
 * to the membership (`member add`) and started against the existing cluster, one at a time, the
 * next only once the last one is healthy, so quorum is never lost. Each step checks what is
 * already done, so an interrupted join picks up where it stopped.
 */
export class EtcdMembers {
  /** The plan as last read or written: it does not change once written, and is read per probe. */
  private knownPlan?: EtcdMember[];

  constructor(private readonly options: EtcdMembersOptions) {}

  /**
   * The ports of the members beyond the first, chosen once: the API server is told every
   * member's address when it is created, before those members exist.
   */
  async plan(count: number): Promise<EtcdMember[]> {
    const planned = this.planned();
    if (planned.length === count - 1) return planned;
    const extra: EtcdMember[] = [];
    for (let index = 1; index < count; index++) {
      extra.push({
        name: `node${index}`,
        clientPort: await keptPort(),
        peerPort: await keptPort(),
      });
    }
    fs.mkdirSync(path.dirname(this.options.planPath), { recursive: true });
    fs.writeFileSync(this.options.planPath, JSON.stringify(extra));
    this.knownPlan = extra;
    return extra;
  }

  /** The members beyond the first that were planned, if any. */
  planned(): EtcdMember[] {
    if (this.knownPlan === undefined) {
      if (!fs.existsSync(this.options.planPath)) return [];
      this.knownPlan = JSON.parse(
        fs.readFileSync(this.options.planPath, 'utf8'),
      ) as EtcdMember[];
    }
    return this.knownPlan;
  }

  /** Forgets the plan; the members' data goes with kwokctl's folder. */
  removePlan(): void {
    fs.rmSync(this.options.planPath, { force: true });
    this.knownPlan = undefined;
  }

  /**
   * Adds every planned member that is not a member yet to the cluster whose first member is
   * `first`, and starts every planned member that is not running.
   */
  async join(first: EtcdMember): Promise<void> {
    for (const member of this.planned()) {
      const members = await this.memberList(first);
      if (!members.some(m => m.peerURLs?.includes(url(member.peerPort)))) {
        this.options.log(`adding etcd member ${member.name}`);
        // Marked before it is asked for: interrupted, the restart starts the member whether or
        // not the cluster took it, and a member the cluster does not know exits and is added here.
        fs.mkdirSync(path.dirname(this.addedPath(member)), { recursive: true });
        fs.writeFileSync(this.addedPath(member), '');
        await this.add(first, member);
      }
      if (!this.isRunning(member)) {
        // It joins the members the cluster has: those before it on a first join, all the others
        // when it was reset to be replaced (see etcd/memberReset.ts).
        const listed = (m: EtcdMember) =>
          m === member ||
          members.some(l => l.peerURLs?.includes(url(m.peerPort)));
        this.spawnMember(
          member,
          [first, ...this.planned()]
            .filter(listed)
            .map(m => `${m.name}=${url(m.peerPort)}`)
            .join(','),
        );
      }
      await waitFor(
        `etcd member ${member.name} to be healthy`,
        async () => ((await this.healthy(member)) ? true : undefined),
        { timeoutMs: 60_000 },
      );
    }
  }

  /**
   * Starts the planned members that are not running and were added to the cluster before (those
   * with data, or whose addition was begun): a member alone is no quorum, so on a restart they
   * start before the first member is waited for.
   */
  async start(first: EtcdMember): Promise<void> {
    for (const member of this.planned()) {
      const joined =
        fs.existsSync(path.join(this.dataDir(member), 'member')) ||
        fs.existsSync(this.addedPath(member));
      if (joined && !this.isRunning(member)) {
        this.startMember(first, member);
      }
    }
  }

  /** Stops the planned members and waits for them to exit. */
  async stop(): Promise<void> {
    const pids = this.planned()
      .map(member => this.pid(member))
      .filter((pid): pid is number => pid !== undefined && isAlive(pid));
    for (const pid of pids) process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (pids.some(isAlive) && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
  }

  /** Failure injection: kills a planned member's process, as a crash would. */
  kill(index: number): void {
    const pid = this.pid(this.planned()[index - 1]);
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
  }

  /** Whether the member answers its health check: it runs and the cluster has a leader. */
  healthy(member: EtcdMember): Promise<boolean> {
    return etcdHealthy(member.clientPort);
  }

  private pidPath(member: EtcdMember): string {
    return path.join(
      this.options.clusterDir,
      'pids',
      `${memberComponent(memberIndex(member))}.pid`,
    );
  }

  private pid(member: EtcdMember | undefined): number | undefined {
    if (!member || !fs.existsSync(this.pidPath(member))) return undefined;
    return Number(fs.readFileSync(this.pidPath(member), 'utf8').trim());
  }

  private isRunning(member: EtcdMember): boolean {
    const pid = this.pid(member);
    return pid !== undefined && isAlive(pid);
  }

  private async memberList(
    first: EtcdMember,
  ): Promise<Array<{ peerURLs?: string[] }>> {
    return (
      (await this.post(first, '/v3/cluster/member/list', {})).members ?? []
    );
  }

  /** Where a planned member keeps its data. */
  dataDir(member: EtcdMember): string {
    return path.join(this.options.clusterDir, 'etcd-members', member.name);
  }

  private addedPath(member: EtcdMember): string {
    return `${this.dataDir(member)}.added`;
  }

  /**
   * A member without data joins the cluster as it was when it was added: members are added in
   * order, so that is the first member and the planned ones up to itself. With data, etcd
   * ignores the initial cluster.
   */
  private startMember(first: EtcdMember, member: EtcdMember): void {
    const index = memberIndex(member);
    this.spawnMember(
      member,
      [first, ...this.planned().slice(0, index)]
        .map(m => `${m.name}=${url(m.peerPort)}`)
        .join(','),
    );
  }

  /**
   * Starts a member, without data, that was just added to the cluster again: it joins with the
   * members the cluster has now (see `initialClusterForAddedMember`).
   */
  startJoining(member: EtcdMember, initialCluster: string): void {
    this.spawnMember(member, initialCluster);
  }

  private spawnMember(member: EtcdMember, initialCluster: string): void {
    const dataDir = this.dataDir(member);
    const index = memberIndex(member);
    fs.mkdirSync(path.join(this.options.clusterDir, 'logs'), {
      recursive: true,
    });
    fs.mkdirSync(path.dirname(this.pidPath(member)), { recursive: true });
    const logFile = fs.openSync(
      path.join(
        this.options.clusterDir,
        'logs',
        `${memberComponent(index)}.log`,
      ),
      'a',
    );
    const child = spawn(
      this.options.etcdBinary,
      [
        `--name=${member.name}`,
        `--data-dir=${dataDir}`,
        `--listen-client-urls=${url(member.clientPort)}`,
        `--advertise-client-urls=${url(member.clientPort)}`,
        `--listen-peer-urls=${url(member.peerPort)}`,
        `--initial-advertise-peer-urls=${url(member.peerPort)}`,
        `--initial-cluster=${initialCluster}`,
        '--initial-cluster-state=existing',
        // As kwokctl runs the first member.
        '--auto-compaction-retention=1',
        `--quota-backend-bytes=${
          this.options.quotaBackendBytes?.() ?? 8589934592
        }`,
      ],
      { detached: true, stdio: ['ignore', logFile, logFile] },
    );
    fs.closeSync(logFile);
    child.unref();
    fs.writeFileSync(this.pidPath(member), String(child.pid));
    this.options.log(`started etcd member ${member.name} (pid ${child.pid})`);
  }

  /**
   * Asks the cluster to take the member. etcd refuses (503, "unhealthy cluster") until every
   * member has been connected to the others for a few seconds, which the member joined just before
   * is not yet when it first answers its health check; that refusal is waited out here rather
   * than failing the tenant's start and being retried from the top.
   */
  private async add(first: EtcdMember, member: EtcdMember): Promise<void> {
    const deadline = Date.now() + 60_000;
    let waiting = false;
    for (;;) {
      try {
        await this.post(first, '/v3/cluster/member/add', {
          peerURLs: [url(member.peerPort)],
        });
        return;
      } catch (error) {
        const unhealthy =
          error instanceof EtcdRefusal &&
          error.status === 503 &&
          /unhealthy cluster/.test(error.message);
        if (!unhealthy || Date.now() > deadline) throw error;
        if (!waiting) {
          this.options.log(
            `etcd takes member ${member.name} once the others have been connected a few seconds; waiting`,
          );
          waiting = true;
        }
        await new Promise(resolve => setTimeout(resolve, 1_000));
      }
    }
  }

  /**
   * Asks the first member, or the next running one when it does not answer (it may be the one
   * being reset).
   */
  private async post(
    first: EtcdMember,
    route: string,
    body: object,
  ): Promise<any> {
    const candidates = [
      first,
      ...this.planned().filter(m => this.isRunning(m)),
    ];
    let unanswered: unknown;
    for (const member of candidates) {
      let response: Response;
      try {
        response = await fetch(`${url(member.clientPort)}${route}`, {
          method: 'POST',
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        unanswered = error;
        continue;
      }
      const text = await response.text();
      if (!response.ok) throw new EtcdRefusal(route, response.status, text);
      return JSON.parse(text);
    }
    throw unanswered;
  }
}
