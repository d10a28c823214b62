import { spawn } from 'node:child_process';
import fs from 'node:fs';
import {
  BUILD_SCRIPT,
  HubBinaries,
  cacheDir,
  hubBinaries,
  upstreamCrdFiles,
} from './paths';

function missingFiles(cache: string): string[] {
  const wanted = [
    ...Object.values(hubBinaries(cache)),
    ...upstreamCrdFiles(cache),
  ];
  return wanted.filter(file => !fs.existsSync(file));
}

/**
 * Finds the hub's binaries and CRDs in the cache, building whatever is missing from the Go module
 * proxy first (minutes when cold; the build script reports which binary and how long it has taken).
 */
export async function ensureHubBinaries(
  cache = cacheDir(),
): Promise<HubBinaries> {
  if (missingFiles(cache).length > 0) {
    await new Promise<void>((resolve, reject) => {
      const build = spawn('bash', [BUILD_SCRIPT], {
        env: { ...process.env, HOSTPLANE_CACHE: cache },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      build.on('error', reject);
      build.on('exit', code =>
        code === 0
          ? resolve()
          : reject(new Error(`${BUILD_SCRIPT} exited with ${code}`)),
      );
    });
    const stillMissing = missingFiles(cache);
    if (stillMissing.length > 0) {
      throw new Error(
        `The hub build finished but these are missing: ${stillMissing.join(
          ', ',
        )}`,
      );
    }
  }
  return hubBinaries(cache);
}
