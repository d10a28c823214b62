import fs from 'node:fs';
import http from 'node:http';
import { LocalHub, SCALE_HUB, startScaleHub } from '@hostplane/local-hub';

/** A numeric command-line option, such as `--count 1000`. */
export function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

/** A choice on the command line, such as `--database sqlite`. */
export function choice<T extends string>(
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const index = process.argv.indexOf(name);
  if (index < 0) return fallback;
  const value = process.argv[index + 1] as T;
  if (!choices.includes(value)) {
    throw new Error(`${name} takes one of ${choices.join(', ')}`);
  }
  return value;
}

export const log = (message: string) =>
  process.stderr.write(`[bench] ${message}\n`);

const keepAlive = new http.Agent({ keepAlive: true });

/**
 * GETs JSON from the backend with Node's http client on a kept-alive connection: the same client
 * the hub's side of each comparison uses (`getRaw`, Node's https), with no compression asked on
 * either side, so a ratio compares the two servers and not two clients.
 */
export function getJson(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: keepAlive, headers }, response => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', chunk => (text += chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          try {
            resolve({ status, body: status < 300 ? JSON.parse(text) : text });
          } catch (error) {
            reject(error);
          }
        });
      })
      .on('error', reject);
  });
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/** CPU seconds (user and system) each process has used so far, from /proc, by pid. */
export function cpuSeconds(pids: number[]): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th,
      // in USER_HZ (100 a second on Linux here).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      used.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // exited
    }
  }
  return used;
}

/**
 * The share of one core the processes of an earlier {@link cpuSeconds} used since, over the
 * seconds given; a process that exited in between (a pool closing an idle connection) counts
 * nothing, so the figure is a lower bound.
 */
export function cpuShareSince(
  before: Map<number, number>,
  seconds: number,
): number {
  let used = 0;
  for (const [pid, now] of cpuSeconds([...before.keys()])) {
    used += now - before.get(pid)!;
  }
  return used / seconds;
}

/** A process's resident memory in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/**
 * Waits until the hub's processes together use less than `maxShare` of a core over 5 s; returns
 * the seconds waited. A restarted scale hub is busy for a minute or more (KWOK takes up every
 * node, pod and Stage again) and a backend started meanwhile measures the hub's restart, not
 * Hostplane: a deployed hub is not restarting whenever the portal starts.
 */
export async function waitForQuietHub(
  hub: LocalHub,
  { maxShare = 0.25, timeoutSeconds = 300 } = {},
): Promise<number> {
  const started = performance.now();
  const pids = hub.processIds();
  for (;;) {
    const before = cpuSeconds(pids);
    await new Promise(resolve => setTimeout(resolve, 5_000));
    const share = cpuShareSince(before, 5);
    const waited = (performance.now() - started) / 1000;
    if (share < maxShare) return waited;
    if (waited > timeoutSeconds) {
      throw new Error(
        `the hub still used ${(share * 100).toFixed(
          0,
        )} % of a core after ${timeoutSeconds} s`,
      );
    }
  }
}

/** Hands over how to stop something a benchmark started; see {@link runBenchmark}. */
export type StopLater = (stop: () => Promise<unknown>) => void;

/**
 * Runs a benchmark and stops what it started once it ends, fails or is interrupted (Ctrl-C,
 * SIGTERM): the hub's processes run detached and outlive the benchmark otherwise, and an
 * interrupted run used to leave a 10,000-cluster hub and a backend busy on the cores, slowing
 * whatever ran next. `main` hands over a stop for each thing as it starts it; they run last first,
 * once each, and a stop that fails is logged and the next one still runs.
 */
export function runBenchmark(main: (stopLater: StopLater) => Promise<void>) {
  const stops: Array<() => Promise<unknown>> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const stop of stops.reverse()) {
        await stop().catch(error => log(`while stopping: ${error}`));
      }
    })());
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping what the benchmark started`);
    void stopAll().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  main(stop => stops.push(stop)).then(stopAll, async error => {
    // Interrupted, the benchmark fails as what it talks to stops; the interruption exits.
    if (stopping) return;
    process.stderr.write(`${error.stack ?? error}\n`);
    await stopAll();
    process.exit(1);
  });
}

/**
 * The scale hub with at least `count` status-only clusters (seeded on a machine's first run). It
 * is opened (its binaries found, or built) before it boots, and its stop handed over then:
 * interrupted while it boots or is seeded (minutes), its processes are running already.
 */
export async function startBenchHub(
  count: number,
  stopLater: StopLater,
): Promise<LocalHub> {
  const hub = await LocalHub.open({ name: SCALE_HUB, log });
  stopLater(() => hub.stop());
  return startScaleHub({ count, log });
}

/** A process's memory in MiB, as `process.memoryUsage()` reports it. */
export type MemoryMiB = Record<'rss' | 'heapTotal' | 'heapUsed', number>;

/**
 * Asks a Node process started with `--inspect=127.0.0.1:<port>` for its memory, then has it run a
 * full garbage collection and asks again: the first is what it holds, the second what it keeps.
 */
export async function memoryViaInspector(
  port: number,
): Promise<{ asFound: MemoryMiB; afterFullGc: MemoryMiB }> {
  const targets = await (
    await fetch(`http://127.0.0.1:${port}/json/list`)
  ).json();
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve);
    socket.addEventListener('error', reject);
  });
  let nextId = 0;
  const waiting = new Map<number, (result: any) => void>();
  socket.addEventListener('message', event => {
    const message = JSON.parse(String(event.data));
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<any>(resolve => {
      const id = ++nextId;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  const memory = async (): Promise<MemoryMiB> => {
    const { result } = await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    const usage = JSON.parse(result.value);
    const mib = (bytes: number) => Math.round(bytes / 1048576);
    return {
      rss: mib(usage.rss),
      heapTotal: mib(usage.heapTotal),
      heapUsed: mib(usage.heapUsed),
    };
  };
  try {
    const asFound = await memory();
    await call('HeapProfiler.collectGarbage');
    return { asFound, afterFullGc: await memory() };
  } finally {
    socket.close();
  }
}
