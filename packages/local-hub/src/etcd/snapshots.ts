import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { RestoredMember, snapshotRestoreArguments } from './restoreArguments';

const execFileAsync = promisify(execFile);

/** Why a snapshot could not be used; its message names no URL (signed URLs are credentials). */
export class SnapshotUnavailable extends Error {
  constructor(
    readonly reason: 'SnapshotDownloadFailed' | 'SnapshotInvalid',
    message: string,
  ) {
    super(message);
  }
}

/** How long a download may go without receiving a byte, and how long it may take in all. */
const DOWNLOAD_IDLE_TIMEOUT_MS = 30_000;
const DOWNLOAD_TIMEOUT_MS = 30 * 60_000;

/**
 * Streams the snapshot at `url` (http or https, a pre-signed URL for an object store) into
 * `target`: written beside it first and renamed once complete, so `target` is only ever a whole
 * download. An S3 error document answered with 200 is caught by the status check that follows.
 */
export async function downloadSnapshot(
  url: string,
  target: string,
): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SnapshotUnavailable(
      'SnapshotDownloadFailed',
      'the snapshot URL is not a URL',
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new SnapshotUnavailable(
      'SnapshotDownloadFailed',
      `the snapshot URL's scheme ${parsed.protocol} is not served here: give an http or https URL (an object store's pre-signed URL)`,
    );
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const partial = `${target}.part`;
  const abort = new AbortController();
  const total = setTimeout(() => abort.abort(), DOWNLOAD_TIMEOUT_MS);
  let idle = setTimeout(() => abort.abort(), DOWNLOAD_IDLE_TIMEOUT_MS);
  const stillReceiving = () => {
    clearTimeout(idle);
    idle = setTimeout(() => abort.abort(), DOWNLOAD_IDLE_TIMEOUT_MS);
  };
  try {
    const response = await fetch(parsed, { signal: abort.signal });
    if (!response.ok || !response.body) {
      // The body may say why (an object store's error document); it never holds the URL's
      // signature, but it is left out all the same: the status is enough to act on.
      await response.body?.cancel();
      throw new SnapshotUnavailable(
        'SnapshotDownloadFailed',
        `downloading the snapshot answered HTTP ${response.status} ${response.statusText}`.trim(),
      );
    }
    await pipeline(
      Readable.fromWeb(response.body as any),
      new Transform({
        transform(chunk, _encoding, callback) {
          stillReceiving();
          callback(null, chunk);
        },
      }),
      fs.createWriteStream(partial),
    );
    fs.renameSync(partial, target);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    if (error instanceof SnapshotUnavailable) throw error;
    throw new SnapshotUnavailable(
      'SnapshotDownloadFailed',
      abort.signal.aborted
        ? 'downloading the snapshot timed out'
        : `downloading the snapshot failed: ${describeFetchError(error)}`,
    );
  } finally {
    clearTimeout(total);
    clearTimeout(idle);
  }
}

/** The cause of a failed fetch, without the URL it was for. */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })
    ?.cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** What `etcdutl snapshot status` says of a snapshot. */
export interface SnapshotStatus {
  revision: number;
  totalKey: number;
  totalSize: number;
  version: string;
}

/** Reads the snapshot as etcd would restore it; a file that is not one fails here. */
export async function snapshotStatus(
  etcdutl: string,
  snapshot: string,
): Promise<SnapshotStatus> {
  try {
    const { stdout } = await execFileAsync(
      etcdutl,
      ['snapshot', 'status', snapshot, '--write-out=json'],
      { timeout: 300_000 },
    );
    const status = JSON.parse(stdout);
    return {
      revision: status.revision,
      totalKey: status.totalKey,
      totalSize: status.totalSize,
      version: status.version,
    };
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new SnapshotUnavailable(
      'SnapshotInvalid',
      `the downloaded file is not an etcd snapshot etcdutl can read: ${lastLine(
        e.stderr || e.message,
      )}`,
    );
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

/** The folder beside a member's data where its restored data is written before it takes its place. */
export const stagedDataDir = (dataDir: string) => `${dataDir}.restored`;
/** Where a member's data is set aside while an in-place restore replaces it. */
export const setAsideDataDir = (dataDir: string) => `${dataDir}.before-restore`;

/**
 * Restores every member's data from the one snapshot into its staging folder, replacing whatever
 * an interrupted attempt left there. A snapshot `etcdutl` refuses (its hash does not match) fails
 * here, before anything of the tenant is touched.
 */
export async function stageRestoredMembers(input: {
  etcdutl: string;
  snapshot: string;
  members: Array<RestoredMember & { dataDir: string }>;
  bumpRevision?: number;
}): Promise<void> {
  for (const member of input.members) {
    const staged = stagedDataDir(member.dataDir);
    fs.rmSync(staged, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(staged), { recursive: true });
    try {
      await execFileAsync(
        input.etcdutl,
        snapshotRestoreArguments({
          snapshot: input.snapshot,
          member,
          members: input.members,
          dataDir: staged,
          bumpRevision: input.bumpRevision,
        }),
        { timeout: 600_000 },
      );
    } catch (error) {
      fs.rmSync(staged, { recursive: true, force: true });
      const e = error as { stderr?: string; message: string };
      throw new SnapshotUnavailable(
        'SnapshotInvalid',
        `etcdutl could not restore the snapshot: ${lastLine(
          e.stderr || e.message,
        )}`,
      );
    }
  }
}

/**
 * Puts each member's staged data in place of its data (set aside first when `setAside`, removed
 * otherwise). Each step checks what is done, so it can run again after an interruption.
 */
export function swapInStagedData(
  dataDirs: string[],
  { setAside }: { setAside: boolean },
): void {
  for (const dataDir of dataDirs) {
    const staged = stagedDataDir(dataDir);
    if (!fs.existsSync(staged)) continue;
    if (fs.existsSync(dataDir)) {
      if (setAside && !fs.existsSync(setAsideDataDir(dataDir))) {
        fs.renameSync(dataDir, setAsideDataDir(dataDir));
      } else {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
    fs.renameSync(staged, dataDir);
  }
}
