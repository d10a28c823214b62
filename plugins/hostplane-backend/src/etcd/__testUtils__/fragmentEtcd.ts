import { randomBytes } from 'node:crypto';
import { HubEtcd } from '../HubEtcd';

/*
 * For tests: makes a tenant's etcd large, fragmented, or hold known keys, through the hub as
 * HubEtcd reaches it (the gateway's kv routes, keys and values in base64).
 */

const base64 = (value: string | Buffer) =>
  Buffer.from(value).toString('base64');

/** The end of the range of every key starting with `prefix`. */
function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix);
  bytes[bytes.length - 1] += 1;
  return bytes.toString('base64');
}

/** Under etcd's default request limit (1.5 MiB) with room for the keys. */
const TXN_VALUE_BYTES = 1024 * 1024;
/** Transactions sent at once: each has its own port-forward. */
const CONCURRENCY = 4;

/**
 * Puts `sizeBytes` of random values under `prefix` (in transactions of 1 MiB), so the database
 * grows by about that much. Resolves with the number of keys written and the revision after.
 */
export async function fillEtcd(
  etcd: HubEtcd,
  {
    sizeBytes,
    prefix = 'hostplane-test/fill/',
    valueBytes = 128 * 1024,
  }: { sizeBytes: number; prefix?: string; valueBytes?: number },
): Promise<{ keys: number; revision: number }> {
  const keys = Math.ceil(sizeBytes / valueBytes);
  const perTxn = Math.max(1, Math.floor(TXN_VALUE_BYTES / valueBytes));
  const batches: number[][] = [];
  for (let first = 0; first < keys; first += perTxn) {
    batches.push(
      Array.from(
        { length: Math.min(perTxn, keys - first) },
        (_, i) => first + i,
      ),
    );
  }
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      await etcd.call('/v3/kv/txn', {
        success: batch.map(index => ({
          request_put: {
            key: base64(`${prefix}${String(index).padStart(8, '0')}`),
            value: randomBytes(valueBytes).toString('base64'),
          },
        })),
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { keys, revision: await etcd.revision() };
}

/** Deletes every key under `prefix`; resolves with how many there were. */
export async function deletePrefix(
  etcd: HubEtcd,
  prefix: string,
): Promise<number> {
  const answer = await etcd.call<{ deleted?: string }>('/v3/kv/deleterange', {
    key: base64(prefix),
    range_end: prefixEnd(prefix),
  });
  return Number(answer.deleted ?? 0);
}

/**
 * Leaves the database about `sizeBytes` larger than its data: fills it, deletes what it put,
 * and compacts the history away (physically), so those pages are free but still in the file
 * until a defragmentation. Resolves with the revision compacted to.
 */
export async function fragmentEtcd(
  etcd: HubEtcd,
  {
    sizeBytes,
    prefix = 'hostplane-test/fragment/',
  }: { sizeBytes: number; prefix?: string },
): Promise<{ revision: number }> {
  await fillEtcd(etcd, { sizeBytes, prefix });
  await deletePrefix(etcd, prefix);
  const revision = await etcd.revision();
  await etcd.compact(revision);
  return { revision };
}

/** Puts known keys and values (UTF-8); resolves with the revision after. */
export async function putKeys(
  etcd: HubEtcd,
  entries: Record<string, string>,
): Promise<number> {
  const answer = await etcd.call<{ header?: { revision?: string } }>(
    '/v3/kv/txn',
    {
      success: Object.entries(entries).map(([key, value]) => ({
        request_put: { key: base64(key), value: base64(value) },
      })),
    },
  );
  return Number(answer.header?.revision ?? 0);
}

/** The keys and values (UTF-8) under `prefix`, as of `revision` when given. */
export async function readKeys(
  etcd: HubEtcd,
  prefix: string,
  { revision }: { revision?: number } = {},
): Promise<Record<string, string>> {
  const answer = await etcd.call<{
    kvs?: Array<{ key: string; value?: string }>;
  }>('/v3/kv/range', {
    key: base64(prefix),
    range_end: prefixEnd(prefix),
    ...(revision ? { revision: String(revision) } : {}),
  });
  return Object.fromEntries(
    (answer.kvs ?? []).map(kv => [
      Buffer.from(kv.key, 'base64').toString('utf8'),
      Buffer.from(kv.value ?? '', 'base64').toString('utf8'),
    ]),
  );
}
