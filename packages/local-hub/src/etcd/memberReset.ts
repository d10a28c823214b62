import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import { etcdHealthy } from '../KwokctlCluster';
import { TenantProcesses } from '../TenantProcesses';
import { memberAdd, memberList, memberRemove } from './etcdApi';
import {
  initialCluster,
  initialClusterForAddedMember,
} from './restoreArguments';

/** What the stand-in sees of one etcd member of a tenant. */
export interface MemberState {
  index: number;
  /** The member's id when the cluster's member list has its peer URL. */
  id?: string;
  running: boolean;
  hasData: boolean;
}

export type MemberResetAction =
  | { kind: 'none' }
  /** Reset this member: wipe its data, remove it if listed, add it again and start it. */
  | { kind: 'reset'; index: number; removeId?: string }
  /** A member that lost its data: reset when its pod is made anew, as HyperShift's init container does. */
  | { kind: 'awaitPodRestart'; index: number };

/**
 * Which member, if any, to reset, one at a time so quorum is kept. HyperShift's `reset-member`
 * init container runs when an etcd pod starts: a member no longer in the member list (removed to
 * be replaced) is wiped and added again; one still listed whose data is gone removes itself and is
 * added again. Here a member removed from the list is reset at once (it cannot run again
 * otherwise), and a listed member whose process is dead and data gone once its pod is made anew.
 */
export function memberResetAction(
  members: MemberState[],
  podRecreated: (index: number) => boolean,
): MemberResetAction {
  const unlisted = members.find(m => m.id === undefined);
  if (unlisted) return { kind: 'reset', index: unlisted.index };
  const lost = members.find(m => !m.running && !m.hasData);
  if (!lost) return { kind: 'none' };
  return podRecreated(lost.index)
    ? { kind: 'reset', index: lost.index, removeId: lost.id }
    : { kind: 'awaitPodRestart', index: lost.index };
}

const peerURL = (port: number) => `http://127.0.0.1:${port}`;

/** What the stand-in sees of the tenant's members, from the member list of a healthy one. */
export async function observeMembers(
  tenant: TenantProcesses,
): Promise<{ states: MemberState[]; healthyClientPort: number } | undefined> {
  const members = tenant.etcdMembers();
  const health = await Promise.all(members.map(m => etcdHealthy(m.clientPort)));
  const healthy = members.find((_, i) => health[i]);
  // Without a healthy member there is no quorum: no member can be added, and none is reset.
  if (!healthy) return undefined;
  const listed = await memberList(healthy.clientPort);
  return {
    healthyClientPort: healthy.clientPort,
    states: members.map((m, index) => ({
      index,
      id: listed.find(l => l.peerURLs?.includes(peerURL(m.peerPort)))?.ID,
      running: tenant.etcdMemberRunning(index),
      hasData: fs.existsSync(
        path.join(tenant.etcdMemberDataDir(index), 'member'),
      ),
    })),
  };
}

/**
 * Resets etcd member `index` of a running tenant: its process stopped and data wiped, removed
 * from the cluster if still listed, added again and started without data, so it syncs from the
 * others; returns once it is healthy. Run again after an interruption, it picks up the member in
 * whatever state it was left. The first member is kwokctl's: its kept command line is made to
 * join the cluster as it is (data present, etcd ignores those flags) before its data goes, so that
 * kwokctl starting it without data never makes a new cluster of it alone.
 */
export async function resetMember(input: {
  tenant: TenantProcesses;
  index: number;
  removeId?: string;
  /** A healthy member to ask (not the one reset). */
  clientPort: number;
  log: (message: string) => void;
}): Promise<void> {
  const { tenant, index } = input;
  const members = tenant.etcdMembers();
  const member = members[index];
  const self = { name: member.name, peerURL: peerURL(member.peerPort) };
  input.log(`resetting etcd member ${member.name} of ${tenant.name}`);
  if (index === 0) keepFirstMemberInCluster(tenant);
  if (tenant.etcdMemberRunning(index)) tenant.killEtcdMember(index);
  fs.rmSync(tenant.etcdMemberDataDir(index), { recursive: true, force: true });
  if (input.removeId) {
    await memberRemove(input.clientPort, input.removeId).catch(error => {
      // Removed already, by an attempt that was interrupted.
      if (!/member not found/.test(String(error))) throw error;
    });
  }
  const listed = await memberList(input.clientPort);
  const current = listed.some(l => l.peerURLs?.includes(self.peerURL))
    ? listed
    : await memberAdd(input.clientPort, self.peerURL);
  const cluster = initialClusterForAddedMember(current, self);
  if (index === 0) {
    joinFirstMemberWith(tenant, cluster);
    startFirstMember(tenant);
  } else {
    tenant.startEtcdMemberJoining(index, cluster);
  }
  await waitFor(
    `etcd member ${member.name} of ${tenant.name} to be healthy again`,
    async () => ((await etcdHealthy(member.clientPort)) ? true : undefined),
    { timeoutMs: 120_000 },
  );
  input.log(`etcd member ${member.name} of ${tenant.name} is back`);
}

/**
 * kwokctl keeps the first member's command line as it made the cluster: alone, and new. Started
 * without data (lost, or wiped to be reset), that would make a second cluster of it alone; a
 * highly available tenant's first member is kept joining the cluster of all its members instead.
 * With data, etcd ignores these flags.
 */
export function keepFirstMemberInCluster(tenant: TenantProcesses): void {
  const members = tenant.etcdMembers();
  if (members.length < 2) return;
  joinFirstMemberWith(
    tenant,
    initialCluster(
      members.map(m => ({ name: m.name, peerURL: peerURL(m.peerPort) })),
    ),
  );
}

function joinFirstMemberWith(tenant: TenantProcesses, cluster: string): void {
  const wanted = [
    `--initial-cluster=${cluster}`,
    '--initial-cluster-state=existing',
  ];
  const { args } = tenant.componentCommand('etcd');
  if (wanted.every(flag => args.includes(flag))) return;
  tenant.updateComponentArgs('etcd', kept => [
    ...kept.filter(
      a =>
        !a.startsWith('--initial-cluster=') &&
        !a.startsWith('--initial-cluster-state='),
    ),
    ...wanted,
  ]);
}

/** Starts kwokctl's etcd member with its kept command line, as kwokctl does (log and pid file). */
function startFirstMember(tenant: TenantProcesses): void {
  const { binary, args } = tenant.componentCommand('etcd');
  const logFile = fs.openSync(
    path.join(tenant.clusterDir, 'logs', 'etcd.log'),
    'a',
  );
  const child = spawn(binary, args, {
    cwd: tenant.clusterDir,
    detached: true,
    stdio: ['ignore', logFile, logFile],
  });
  fs.closeSync(logFile);
  child.unref();
  fs.writeFileSync(
    path.join(tenant.clusterDir, 'pids', 'etcd.pid'),
    String(child.pid),
  );
}
