import { Readable } from 'node:stream';
import {
  EtcdAlarm,
  EtcdMemberHealth,
} from '@hostplane/plugin-hostplane-common';
import { EtcdAccess, HubDefinition } from '@hostplane/plugin-hostplane-node';
import type { BackupService } from '../backups/BackupService';

/** A snapshot as it streams from one member, with what etcd said of it before the first byte. */
export interface EtcdSnapshotStream {
  stream: Readable;
  revision: number;
  dbSizeBytes: number;
  /** The member's name in etcd. */
  member: string;
  version: string;
}

/** What the etcd steps ask of a cluster's etcd, reached through its hub (`etcd/HubEtcd`). */
export interface ClusterEtcd {
  /** Every member's health; an unreachable member is a value with `error`. */
  members(): Promise<EtcdMemberHealth[]>;
  /** A snapshot from `pod` (the leader's when none is named), its trailing SHA-256 checked. */
  snapshot(pod?: string): Promise<EtcdSnapshotStream>;
  defragment(pod: string): Promise<void>;
  /** Compacts the keyspace's history up to `revision`. */
  compact(revision: number): Promise<void>;
  /** The keyspace's current revision. */
  revision(): Promise<number>;
  /** Clears an alarm on every member that raised it. */
  disarm(alarm: EtcdAlarm): Promise<void>;
  /** Removes a member (by its hexadecimal id) from the cluster. */
  memberRemove(id: string): Promise<void>;
}

/** Reaches a cluster's etcd through its hub. */
export type ClusterEtcdFactory = (
  hub: HubDefinition,
  access: EtcdAccess,
) => ClusterEtcd;

/** What the etcd operations' steps work with beyond the hub. */
export interface EtcdServices {
  etcd: ClusterEtcdFactory;
  backups: BackupService;
  /** The time: a backup's id and metadata, a restore URL's expiry. */
  now(): Date;
}
