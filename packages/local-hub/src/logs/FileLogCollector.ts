import fs from 'node:fs';
import path from 'node:path';
import { LOG_STREAM_FIELDS } from '@hostplane/plugin-hostplane-common';
import { LogSource } from './logSources';
import { lineTime, storeRow } from './storeRows';

export interface FileLogCollectorOptions {
  /** VictoriaLogs' base URL. */
  storeUrl: string;
  /** Where the read position of each file is kept, so that a restart resumes there. */
  checkpointsPath: string;
  /** How often each file is checked for new lines; 250 ms by default. */
  pollIntervalMs?: number;
  log?: (message: string) => void;
}

/** How far a file was read and sent: its inode tells a replaced file from the one read. */
interface Position {
  inode: number;
  offset: number;
}

/** The most of a file read at once; a longer backlog is sent over the following polls. */
const MAX_READ_BYTES = 4 * 1024 * 1024;

/**
 * Tails log files into VictoriaLogs: every poll, the complete lines appended to each source since
 * its last position go to the store's JSON-lines endpoint under the source's tenant and fields,
 * each with the time the line says it was written (see `rowsOf`). A position moves only once the store has
 * taken the lines, so while the store is away the files themselves hold what is not yet sent,
 * and it is sent when the store is back. Polling a handful of files keeps a written line's way to
 * search well under a second, quiet file or not.
 */
export class FileLogCollector {
  private sources: LogSource[] = [];
  private readonly positions: Map<string, Position>;
  /** The time of the last line of each file that said its time. */
  private readonly lastTimes = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  /** The pass under way: passes never overlap, so no line is sent twice. */
  private collecting: Promise<void> = Promise.resolve();
  private stopped = false;
  private storeFailure?: string;

  constructor(private readonly options: FileLogCollectorOptions) {
    this.positions = readCheckpoints(options.checkpointsPath);
  }

  /** The files to tail from now on; a file no longer among them is forgotten. */
  setSources(sources: LogSource[]): void {
    this.sources = sources;
    const files = new Set(sources.map(s => s.file));
    for (const file of this.positions.keys()) {
      if (!files.has(file)) this.positions.delete(file);
    }
  }

  start(): void {
    const poll = () => {
      this.collect()
        .catch(error =>
          this.options.log?.(`log collector: ${(error as Error).message}`),
        )
        .finally(() => {
          if (!this.stopped) {
            this.timer = setTimeout(poll, this.options.pollIntervalMs ?? 250);
          }
        });
    };
    poll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.collecting.catch(() => {});
  }

  /**
   * Sends what each source has appended since its position, one pass at a time. Resolves true
   * when every file was read to its end and the store took it all; false when the store refused
   * (retried on the next pass) or a backlog is left for the next pass.
   */
  collect(): Promise<boolean> {
    const pass = this.collecting.then(() => this.collectOnce());
    this.collecting = pass.then(
      () => {},
      () => {},
    );
    return pass;
  }

  private async collectOnce(): Promise<boolean> {
    let moved = false;
    let complete = true;
    try {
      for (const source of this.sources) {
        const read = readNewLines(source.file, this.positions.get(source.file));
        if (!read) continue;
        if (read.lines.length > 0) {
          const { rows, lastTime } = this.rowsOf(source, read.lines);
          if (!(await this.send(source, rows))) return false;
          if (lastTime) this.lastTimes.set(source.file, lastTime);
        }
        this.positions.set(source.file, read.position);
        moved = true;
        complete &&= read.atEnd;
      }
      return complete;
    } finally {
      if (moved) {
        writeCheckpoints(this.options.checkpointsPath, this.positions);
      }
    }
  }

  /**
   * The rows of a file's new lines, each dated as it says. A line that says no time continues
   * the line before it (klog writes a multi-line value on lines of their own), so it gets that
   * line's time; with none before it, the time it was read.
   */
  private rowsOf(source: LogSource, lines: string[]) {
    const readAt = new Date();
    let lastTime = this.lastTimes.get(source.file);
    const rows = lines.map(line => {
      const time = lineTime(line, readAt);
      if (time) lastTime = time;
      return storeRow(
        line,
        source.fields,
        time ?? lastTime ?? readAt.toISOString(),
      );
    });
    return { rows, lastTime };
  }

  private async send(
    source: LogSource,
    rows: Array<Record<string, unknown>>,
  ): Promise<boolean> {
    const url = `${this.options.storeUrl}/insert/jsonline?${new URLSearchParams(
      { _stream_fields: LOG_STREAM_FIELDS.join(',') },
    )}`;
    let failure: string | undefined;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          AccountID: String(source.tenant.accountId),
          ProjectID: String(source.tenant.projectId),
          'Content-Type': 'application/stream+json',
        },
        body: rows.map(row => JSON.stringify(row)).join('\n'),
        signal: AbortSignal.timeout(10_000),
      });
      await response.text();
      if (!response.ok) failure = `it answered ${response.status}`;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      failure = cause ?? (error as Error).message;
    }
    if (failure && !this.storeFailure) {
      this.options.log?.(
        `log collector: the log store does not take lines (${failure}); retrying`,
      );
    } else if (!failure && this.storeFailure) {
      this.options.log?.('log collector: the log store takes lines again');
    }
    this.storeFailure = failure;
    return failure === undefined;
  }
}

/**
 * The complete lines a file has past `from`, the position after them, and whether that is the
 * file's end (a partial last line aside). A file that is not the one read before (another inode)
 * or is shorter than the position is read from its start. Undefined when there is nothing new
 * (or no file).
 */
export function readNewLines(
  file: string,
  from: Position | undefined,
): { lines: string[]; position: Position; atEnd: boolean } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const { ino, size } = fs.fstatSync(fd);
    const offset =
      from && from.inode === ino && from.offset <= size ? from.offset : 0;
    if (size <= offset) {
      return offset === from?.offset && ino === from.inode
        ? undefined
        : { lines: [], position: { inode: ino, offset }, atEnd: true };
    }
    const buffer = Buffer.alloc(Math.min(size - offset, MAX_READ_BYTES));
    const length = fs.readSync(fd, buffer, 0, buffer.length, offset);
    const end = buffer.subarray(0, length).lastIndexOf(0x0a) + 1;
    if (end === 0) {
      // A line longer than a whole read is skipped rather than waited on for ever.
      return length === MAX_READ_BYTES
        ? {
            lines: [],
            position: { inode: ino, offset: offset + length },
            atEnd: false,
          }
        : undefined;
    }
    const lines = buffer
      .subarray(0, end)
      .toString('utf8')
      .split('\n')
      .slice(0, -1)
      .filter(line => line.length > 0);
    return {
      lines,
      position: { inode: ino, offset: offset + end },
      atEnd: offset + length >= size,
    };
  } finally {
    fs.closeSync(fd);
  }
}

function readCheckpoints(file: string): Map<string, Position> {
  try {
    return new Map(Object.entries(JSON.parse(fs.readFileSync(file, 'utf8'))));
  } catch {
    return new Map();
  }
}

/** Written aside and renamed, so that a crash leaves the old checkpoints or the new ones. */
function writeCheckpoints(file: string, positions: Map<string, Position>) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, JSON.stringify(Object.fromEntries(positions)));
  fs.renameSync(partial, file);
}
