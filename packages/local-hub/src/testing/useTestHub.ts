import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalHub } from '../LocalHub';
import { isAlive } from '../processes';

/** Pids of every kwokctl cluster (hub or tenant) whose state lives under this folder. */
function clusterPids(folder: string): number[] {
  const found: number[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.pid') && path.basename(dir) === 'pids') {
        found.push(Number(fs.readFileSync(full, 'utf8').trim()));
      }
    }
  };
  if (fs.existsSync(folder)) walk(folder);
  return found.filter(pid => Number.isInteger(pid) && pid > 0);
}

/**
 * For Jest suites: a fresh local hub under a temporary folder for the suite, deleted after it
 * together with every process started under that folder. Read `hub` and `workdir` inside tests, once `beforeAll` has run.
 */
export function useTestHub(name: string): { hub: LocalHub; workdir: string } {
  const context = {} as { hub: LocalHub; workdir: string };
  // The hook outlasts the hub's own deadlines (kwokctl 200 s, then /readyz 120 s): a hub that does
  // not come up fails with the reason from its logs, not with the hook's timeout.
  beforeAll(async () => {
    context.workdir = fs.mkdtempSync(
      path.join(os.tmpdir(), `hostplane-${name}-`),
    );
    context.hub = await LocalHub.start({
      name,
      workdir: context.workdir,
      fresh: true,
    });
  }, 420_000);
  afterAll(async () => {
    if (context.hub?.exists()) {
      await context.hub.delete();
    }
    // Whatever else a suite started under its folder (tenants) must not outlive it.
    for (const pid of clusterPids(context.workdir).filter(isAlive)) {
      process.kill(pid, 'SIGKILL');
    }
    fs.rmSync(context.workdir, { recursive: true, force: true });
  }, 120_000);
  return context;
}
