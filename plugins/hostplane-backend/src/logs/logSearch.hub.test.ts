import fs from 'node:fs';
import path from 'node:path';
import { SearchedLogLine } from '@hostplane/plugin-hostplane-common';
import {
  unauthenticatedRequest,
  useLogsTestBed,
} from './__testUtils__/logsTestBed';

jest.setTimeout(600_000);

const ALICE = 'user:default/alice';
const CLUSTER = 'exact-search';

/**
 * The checks below compute what a search must answer from the tenant's log files themselves,
 * with their own reading of the files (not the collector's or the backend's code): the lines of
 * each control-plane file, their component and pod from the file's name, their level and time
 * from what the line says.
 */
interface FileLine {
  component: string;
  pod: string;
  /**
   * Microseconds since the epoch, as the line says (klog header or JSON `ts`) or else the last
   * line before it that says.
   */
  micros?: number;
  level?: Severity;
  /** What the store searches: a plain line whole, a JSON line's `msg`. */
  message: string;
  raw: string;
}

const SEVERITIES = ['fatal', 'error', 'warning', 'info', 'debug'] as const;
type Severity = (typeof SEVERITIES)[number];

const KLOG_SEVERITY: Record<string, Severity> = {
  F: 'fatal',
  E: 'error',
  W: 'warning',
  I: 'info',
};

/** etcd's zap levels. */
const ZAP_SEVERITY: Record<string, Severity> = {
  debug: 'debug',
  info: 'info',
  warn: 'warning',
  error: 'error',
  dpanic: 'fatal',
  panic: 'fatal',
  fatal: 'fatal',
};

/** An RFC 3339 time in microseconds since the epoch, its fraction kept to the microsecond. */
function micros(time: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!match) throw new Error(`not an RFC 3339 time: ${time}`);
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  return seconds * 1000 + Number((match[2] ?? '').padEnd(6, '0').slice(0, 6));
}

/** A klog header's local time (no year: this year) in microseconds since the epoch. */
function klogMicros(line: string): number | undefined {
  const header = /^[IWEF](\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6}) /.exec(
    line,
  );
  if (!header) return undefined;
  const [month, day, hour, minute, second] = header.slice(1, 6).map(Number);
  const local = new Date(
    new Date().getFullYear(),
    month - 1,
    day,
    hour,
    minute,
    second,
  );
  return local.getTime() * 1000 + Number(header[6]);
}

/** Every line of the tenant's control-plane log files (not the audit log, not KWOK's copies). */
function readFileLines(clusterDir: string): FileLine[] {
  const dir = path.join(clusterDir, 'logs');
  const lines: FileLine[] = [];
  for (const file of fs.readdirSync(dir)) {
    const name =
      /^(etcd|kube-apiserver|kube-controller-manager|kube-scheduler)(?:-(\d+))?\.log$/.exec(
        file,
      );
    if (!name) continue;
    const component = name[1];
    const pod = component === 'etcd' ? `etcd-${name[2] ?? '0'}` : component;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    // A line that says no time continues the one before it (klog's multi-line values).
    let last: number | undefined;
    // A last line without its end is not a line yet.
    for (const raw of text.slice(0, text.lastIndexOf('\n')).split('\n')) {
      if (raw === '') continue;
      let json: Record<string, unknown> | undefined;
      try {
        json = raw.startsWith('{') ? JSON.parse(raw) : undefined;
      } catch {
        json = undefined;
      }
      if (json) {
        last = typeof json.ts === 'string' ? micros(json.ts) : last;
        lines.push({
          component,
          pod,
          micros: last,
          level: ZAP_SEVERITY[String(json.level)],
          message: String(json.msg ?? ''),
          raw,
        });
      } else {
        last = klogMicros(raw) ?? last;
        lines.push({
          component,
          pod,
          micros: last,
          level:
            KLOG_SEVERITY[raw[0]] && klogMicros(raw)
              ? KLOG_SEVERITY[raw[0]]
              : undefined,
          message: raw,
          raw,
        });
      }
    }
  }
  return lines;
}

/**
 * Whether `message` has `word` as whole words: VictoriaLogs' word (phrase) filter, which finds
 * a word where the characters on either side are not letters, digits or `_`.
 */
function hasWord(message: string, word: string): boolean {
  const isWordChar = (c: string | undefined) =>
    c !== undefined && /[\p{L}\p{N}_]/u.test(c);
  for (
    let at = message.indexOf(word);
    at >= 0;
    at = message.indexOf(word, at + 1)
  ) {
    if (
      !isWordChar(message[at - 1]) &&
      !isWordChar(message[at + word.length])
    ) {
      return true;
    }
  }
  return false;
}

/**
 * Whether an answered line's text is a file's message: the message itself, with a JSON line's
 * other fields after it, or with a `[REDACTED]` standing for whatever value the file has there.
 */
function answers(text: string, message: string): boolean {
  if (text.startsWith(message)) return true;
  if (!text.includes('[REDACTED]')) return false;
  const pattern = text
    .split('[REDACTED]')
    .map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('\\S+?');
  return new RegExp(`^${pattern}$`).test(message);
}

interface Search {
  component?: string;
  level?: Severity;
  query?: string;
  start: number;
  end: number;
}

/** The lines a search must answer, newest first. */
function expectedLines(lines: FileLine[], search: Search): FileLine[] {
  return lines
    .filter(
      line =>
        line.micros !== undefined &&
        line.micros >= search.start * 1000 &&
        line.micros <= search.end * 1000,
    )
    .filter(line => !search.component || line.component === search.component)
    .filter(
      line =>
        !search.level ||
        (line.level !== undefined &&
          SEVERITIES.indexOf(line.level) <= SEVERITIES.indexOf(search.level)),
    )
    .filter(
      line =>
        !search.query ||
        search.query.split(/\s+/).every(word => hasWord(line.message, word)),
    )
    .sort((a, b) => b.micros! - a.micros!);
}

/**
 * A line as compared: time, component, pod, level, and the message the API's text starts with.
 * Lines of the same microsecond may come in either order, so both sides are ordered by time,
 * then by the rest.
 */
function comparable(
  items: Array<{
    micros: number;
    component: string;
    pod: string;
    level?: string;
    message: string;
  }>,
): string[] {
  return items
    .map(
      i =>
        `${String(i.micros).padStart(20, '0')} ${i.component} ${i.pod} ${
          i.level ?? '-'
        } ${i.message}`,
    )
    .sort()
    .reverse();
}

describe('search of real tenant logs, checked against the log files', () => {
  const bed = useLogsTestBed({
    name: 'log-search',
    clusters: [{ user: ALICE, name: CLUSTER, owner: 'group:default/team-a' }],
    groups: { [ALICE]: ['group:default/team-a'] },
  });
  /** When this suite's requests begin: the errors after it are theirs. */
  let requestsFrom: number;
  let fileLines: FileLine[];
  let settledAt: number;

  beforeAll(async () => {
    const tenant = bed.tenants[CLUSTER];
    // Real errors of the tenant's API server, a little more than a second apart: requests it
    // cannot authenticate. (Lines appended to a running process's log file would be
    // overwritten by its next write: it writes at its own offset, not at the end.)
    requestsFrom = Date.now();
    for (let i = 0; i < 3; i++) {
      if (i > 0) await new Promise(resolve => setTimeout(resolve, 1_200));
      const status = await unauthenticatedRequest(tenant, `exact-${i}`);
      if (status !== 401) throw new Error(`the API server answered ${status}`);
    }
    // Every search below ends two seconds before now, after the errors: lines dated earlier are
    // in the files by now, and the store has them once it has caught up.
    await new Promise(resolve => setTimeout(resolve, 3_000));
    settledAt = Date.now() - 2_000;
    await bed.logStore.caughtUp();
    fileLines = readFileLines(tenant.clusterDir);
  });

  const search = async (query: Search) => {
    const response = await bed.as(ALICE).get(
      `/clusters/local/${CLUSTER}/logs/search?${new URLSearchParams({
        ...(query.component ? { component: query.component } : {}),
        ...(query.level ? { level: query.level } : {}),
        ...(query.query ? { query: query.query } : {}),
        start: new Date(query.start).toISOString(),
        end: new Date(query.end).toISOString(),
      })}`,
    );
    expect(response.status).toBe(200);
    expect(response.body.limited).toBe(false);
    return response.body.items as SearchedLogLine[];
  };

  /** Checks that the search answers exactly the lines the files have for it, newest first. */
  const expectExact = async (query: Search) => {
    const expected = expectedLines(fileLines, query);
    const items = await search(query);

    // Newest first.
    const times = items.map(i => micros(i.time));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // The same lines, none missing, none extra.
    expect(
      comparable(
        items.map((item, index) => ({
          micros: times[index],
          component: item.component,
          pod: item.pod,
          level: item.level,
          message:
            expected.find(
              e =>
                e.micros === times[index] &&
                e.pod === item.pod &&
                answers(item.text, e.message),
            )?.message ?? item.text,
        })),
      ),
    ).toEqual(
      comparable(
        expected.map(line => ({
          micros: line.micros!,
          component: line.component,
          pod: line.pod,
          level: line.level,
          message: line.message,
        })),
      ),
    );
    return expected;
  };

  /** This suite's authentication errors in the files, oldest first. */
  const requestErrors = () =>
    expectedLines(fileLines, {
      component: 'kube-apiserver',
      query: 'Unable to authenticate',
      start: requestsFrom - 1_000,
      end: settledAt,
    }).reverse();

  it('finds words by component and time range, cutting between lines a second apart', async () => {
    const errors = requestErrors();
    expect(errors).toHaveLength(3);
    const between = (a: FileLine, b: FileLine) =>
      Math.round((a.micros! + b.micros!) / 2 / 1000);
    const expected = await expectExact({
      component: 'kube-apiserver',
      query: 'Unable to authenticate',
      start: between(errors[0], errors[1]),
      end: between(errors[1], errors[2]),
    });
    expect(expected).toEqual([errors[1]]);
  });

  it('finds lines of a level and more severe, in every component', async () => {
    const expected = await expectExact({
      level: 'warning',
      start: settledAt - 30 * 60_000,
      end: settledAt,
    });
    expect(expected).toEqual(expect.arrayContaining(requestErrors()));
    expect(expected.some(l => l.level === 'warning')).toBe(true);
  });

  it("finds the API server's real errors since the tenant started", async () => {
    const expected = await expectExact({
      component: 'kube-apiserver',
      level: 'error',
      start: settledAt - 30 * 60_000,
      end: settledAt,
    });
    expect(expected).toEqual(expect.arrayContaining(requestErrors()));
  });

  it('finds words in every component', async () => {
    const expected = await expectExact({
      query: 'Unable to authenticate',
      start: settledAt - 30 * 60_000,
      end: settledAt,
    });
    expect(expected).toEqual(expect.arrayContaining(requestErrors()));
  });

  it("answers each component's lines of the last minutes exactly", async () => {
    for (const component of [
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
      'etcd',
    ]) {
      const expected = await expectExact({
        component,
        start: settledAt - 10 * 60_000,
        end: settledAt,
      });
      expect({ component, lines: expected.length > 0 }).toEqual({
        component,
        lines: true,
      });
    }
  });

  it('dates every line of the files by what it or a line before it says', () => {
    // A line with no dated line before it is stored with the time it was read, which the files
    // do not tell: the checks above would not cover it.
    expect(
      fileLines.filter(l => l.micros === undefined).map(l => l.raw),
    ).toEqual([]);
  });
});
