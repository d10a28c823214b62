import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalHub } from '../LocalHub';

/**
 * For Jest suites: a fresh local hub under a temporary folder for the suite, deleted (with its
 * processes) after it. Read `hub` and `workdir` inside tests, once `beforeAll` has run.
 */
export function useTestHub(name: string): { hub: LocalHub; workdir: string } {
  const context = {} as { hub: LocalHub; workdir: string };
  beforeAll(async () => {
    context.workdir = fs.mkdtempSync(
      path.join(os.tmpdir(), `hostplane-${name}-`),
    );
    context.hub = await LocalHub.start({
      name,
      workdir: context.workdir,
      fresh: true,
    });
  }, 300_000);
  afterAll(async () => {
    if (context.hub?.exists()) {
      await context.hub.delete();
    }
    fs.rmSync(context.workdir, { recursive: true, force: true });
  }, 120_000);
  return context;
}
