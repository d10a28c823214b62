import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * Where bundles go: under this package's node_modules, so that the packages a bundle leaves out
 * resolve from it as they do from the sources.
 */
const BUNDLES = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  'node_modules',
  '.cache',
  'hostplane-test-workers',
);

/**
 * Bundles a worker's entry point with the workspace's TypeScript it imports into one JavaScript
 * file, so that a process started from it loads plain JavaScript instead of transforming the
 * backend's sources again: the crash trials start the worker dozens of times. Packages from
 * node_modules are left out and load as they are. Returns the file and a function that removes it.
 */
export async function bundleWorker(
  entry: string,
): Promise<{ file: string; remove: () => void }> {
  const file = path.join(
    BUNDLES,
    `${path.basename(entry, '.ts')}-${randomBytes(4).toString('hex')}.js`,
  );
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    sourcemap: 'inline',
    logLevel: 'error',
    plugins: [
      {
        name: 'packages-stay-external',
        setup(bundler) {
          // Relative imports and the workspace's packages (TypeScript) go in; the rest stays out.
          bundler.onResolve({ filter: /^[^./]/ }, ({ path: request }) =>
            request.startsWith('@hostplane/')
              ? undefined
              : { path: request, external: true },
          );
        },
      },
    ],
  });
  return { file, remove: () => fs.rmSync(file, { force: true }) };
}
