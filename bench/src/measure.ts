/**
 * What benchmarks measure with, on both sides of a comparison: one HTTP client, percentiles, and
 * a process's CPU time and memory from /proc or its inspector.
 */
import fs from 'node:fs';
import http from 'node:http';

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
