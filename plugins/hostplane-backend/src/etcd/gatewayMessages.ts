import { EtcdAlarm, etcdAlarmSchema } from '@hostplane/plugin-hostplane-common';

/*
 * etcd's gateway writes protobuf's JSON with the .proto field names as they are (`dbSize`,
 * `raftIndex` in StatusResponse, `member_id` in its header, `ID` and `isLearner` in Member), 64-bit
 * integers as decimal strings, and leaves out zero values (`false`, `0`, empty lists, the alarm
 * action GET). Member ids are shown and taken here in hexadecimal, as etcdctl shows them.
 */

type Raw = Record<string, any>;

const count = (value: unknown): number =>
  value === undefined ? 0 : Number(value);

/** A member id as etcd writes it (decimal uint64) in hexadecimal; `0` is none. */
export const hexMemberId = (value: unknown): string =>
  value === undefined ? '0' : BigInt(String(value)).toString(16);

/** A hexadecimal member id as etcd takes it (decimal uint64 as a string). */
export const decimalMemberId = (hex: string): string =>
  BigInt(`0x${hex}`).toString(10);

/** One member's own view, from Maintenance/Status. */
export interface EtcdMemberStatus {
  memberId: string;
  /** The leader's member id, `0` when the member knows of none. */
  leaderId: string;
  leader: boolean;
  learner: boolean;
  dbSizeBytes: number;
  dbSizeInUseBytes: number;
  /** The backend quota (`--quota-backend-bytes`); etcd's default when it reports none. */
  quotaBytes: number;
  raftIndex: number;
  raftAppliedIndex: number;
  raftTerm: number;
  /** The store's revision as this member has applied it. */
  revision: number;
  version: string;
  storageVersion?: string;
  /** What the member reports as wrong (no leader, ...), alarms apart. */
  errors: string[];
}

/** etcd's default backend quota, which it applies when none is set (2 GiB). */
const DEFAULT_QUOTA_BYTES = 2 * 1024 * 1024 * 1024;

export function parseStatus(raw: Raw): EtcdMemberStatus {
  const memberId = hexMemberId(raw.header?.member_id);
  const leaderId = hexMemberId(raw.leader);
  return {
    memberId,
    leaderId,
    leader: leaderId !== '0' && leaderId === memberId,
    learner: raw.isLearner === true,
    dbSizeBytes: count(raw.dbSize),
    dbSizeInUseBytes: count(raw.dbSizeInUse),
    quotaBytes: count(raw.dbSizeQuota) || DEFAULT_QUOTA_BYTES,
    raftIndex: count(raw.raftIndex),
    raftAppliedIndex: count(raw.raftAppliedIndex),
    raftTerm: count(raw.raftTerm),
    revision: count(raw.header?.revision),
    version: String(raw.version ?? ''),
    storageVersion: raw.storageVersion || undefined,
    // An alarm is listed here too ("memberID:<id> alarm:NOSPACE"); alarms are read on their own.
    errors: ((raw.errors ?? []) as string[]).filter(
      error => !/^memberID:\d+ alarm:/.test(error),
    ),
  };
}

/** A member as the cluster's membership lists it. */
export interface EtcdMember {
  id: string;
  /** Empty for a member added but not started yet. */
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  learner: boolean;
}

export function parseMembers(raw: Raw): EtcdMember[] {
  return ((raw.members ?? []) as Raw[]).map(member => ({
    id: hexMemberId(member.ID),
    name: String(member.name ?? ''),
    peerUrls: member.peerURLs ?? [],
    clientUrls: member.clientURLs ?? [],
    learner: member.isLearner === true,
  }));
}

export function parseMember(raw: Raw): EtcdMember {
  return parseMembers({ members: [raw.member ?? {}] })[0];
}

/** An alarm raised on a member (etcd keeps them cluster-wide until disarmed). */
export interface EtcdAlarmMember {
  memberId: string;
  alarm: EtcdAlarm;
}

export function parseAlarms(raw: Raw): EtcdAlarmMember[] {
  return ((raw.alarms ?? []) as Raw[]).flatMap(entry => {
    const alarm = etcdAlarmSchema.safeParse(entry.alarm);
    // NONE (0) is left out of the JSON; anything else unknown is not an alarm this model shows.
    return alarm.success
      ? [{ memberId: hexMemberId(entry.memberID), alarm: alarm.data }]
      : [];
  });
}
