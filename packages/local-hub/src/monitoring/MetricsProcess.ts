import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '@hostplane/plugin-hostplane-node';

/**
 * One server of the metrics pipeline (VictoriaMetrics, vmagent, Prometheus) as a child process,
 * its output in `<workdir>/logs/<name>.log` and its pid in `<workdir>/pids/<name>.pid` (where the
 * test hub's clean-up finds every process a suite started).
 */
export class MetricsProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly workdir: string,
    binary: string,
    args: string[],
  ) {
    fs.mkdirSync(path.join(workdir, 'logs'), { recursive: true });
    fs.mkdirSync(path.join(workdir, 'pids'), { recursive: true });
    const log = fs.openSync(this.logPath, 'a');
    this.child = spawn(binary, args, { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.exited = new Promise(resolve =>
      this.child.once('exit', () => resolve()),
    );
    this.child.once('error', () => {});
    fs.writeFileSync(this.pidPath, String(this.child.pid ?? ''));
  }

  get logPath(): string {
    return path.join(this.workdir, 'logs', `${this.name}.log`);
  }

  private get pidPath(): string {
    return path.join(this.workdir, 'pids', `${this.name}.pid`);
  }

  /** Starts the binary and waits until `healthUrl` answers 200; fails with its log's end. */
  static async start(options: {
    name: string;
    workdir: string;
    binary: string;
    args: string[];
    healthUrl: string;
    timeoutMs?: number;
  }): Promise<MetricsProcess> {
    if (!fs.existsSync(options.binary)) {
      throw new Error(
        `${options.binary} is missing: scripts/setup.sh installs Debian's victoria-metrics, prometheus and prometheus-alertmanager`,
      );
    }
    const process = new MetricsProcess(
      options.name,
      options.workdir,
      options.binary,
      options.args,
    );
    try {
      const outcome = await waitFor(
        `${options.name} to answer ${options.healthUrl}`,
        async () => {
          if (process.child.exitCode !== null) return 'exited';
          const ok = await fetch(options.healthUrl, {
            signal: AbortSignal.timeout(2_000),
          })
            .then(r => r.ok)
            .catch(() => false);
          return ok ? 'ready' : undefined;
        },
        { timeoutMs: options.timeoutMs ?? 60_000 },
      );
      if (outcome === 'exited') {
        throw new Error(
          `${options.name} exited with ${process.child.exitCode}`,
        );
      }
    } catch (error) {
      await process.stop();
      throw new Error(`${(error as Error).message}\n${process.logTail()}`);
    }
    return process;
  }

  logTail(lines = 20): string {
    if (!fs.existsSync(this.logPath)) return '';
    return fs
      .readFileSync(this.logPath, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .join('\n');
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.pidPath, { force: true });
  }
}
