/**
 * `yarn bench`: the registered benchmarks (benchmarks.ts), one after another, each in a process
 * of its own writing its result as JSON into `.local/bench/`, then one summary table of every
 * target. Exits 1 when a benchmark fails or, with `--check`, misses a target.
 *
 *   yarn bench [NAME ...] [--check] [--small] [--out DIR] [-- OPTION ...]
 *
 * NAMEs pick benchmarks (all by default); `--small` runs each at its registered small size;
 * options after `--` go to every benchmark picked (`yarn bench cluster-list -- --rounds 100`).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BENCHMARKS } from './benchmarks';
import { log } from './src/log';
import { benchmarkResultSchema } from './src/result';
import { Outcome, suitePassed, summaryTable } from './src/summary';

const REPO_ROOT = path.resolve(__dirname, '..');

function suiteArgs(args: string[]) {
  const { values, tokens } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    tokens: true,
    options: {
      check: { type: 'boolean' },
      small: { type: 'boolean' },
      out: { type: 'string' },
    },
  });
  const terminator = tokens.find(token => token.kind === 'option-terminator');
  const names = tokens.flatMap(token =>
    token.kind === 'positional' &&
    (!terminator || token.index < terminator.index)
      ? [token.value]
      : [],
  );
  const unknown = names.filter(n => !BENCHMARKS.some(b => b.name === n));
  if (unknown.length > 0) {
    throw new Error(
      `no benchmark named ${unknown.join(', ')}; there are ${BENCHMARKS.map(
        b => b.name,
      ).join(', ')}`,
    );
  }
  return {
    benchmarks: BENCHMARKS.filter(
      b => names.length === 0 || names.includes(b.name),
    ),
    check: values.check === true,
    small: values.small === true,
    out: path.resolve(
      process.env.INIT_CWD ?? process.cwd(),
      values.out ?? path.join(REPO_ROOT, '.local', 'bench'),
    ),
    passThrough: terminator ? args.slice(terminator.index + 1) : [],
  };
}

/**
 * The benchmark's process, its table and log straight to this terminal: how it exited, and
 * whether the suite was told to stop meanwhile.
 */
function runProcess(script: string, args: string[]) {
  const child = spawn(
    process.execPath,
    [
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      script,
      ...args,
    ],
    { cwd: __dirname, stdio: 'inherit' },
  );
  // Ctrl-C reaches the benchmark from the terminal too; SIGTERM tells it again, either way, and
  // it stops what it started once (the hub's processes outlive it otherwise).
  let interrupted = false;
  const forward = () => {
    interrupted = true;
    child.kill('SIGTERM');
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise<{ exit: number | NodeJS.Signals; interrupted: boolean }>(
    resolve =>
      child.once('exit', (code, signal) => {
        process.off('SIGINT', forward);
        process.off('SIGTERM', forward);
        resolve({ exit: code ?? signal ?? 1, interrupted });
      }),
  );
}

function readResult(file: string) {
  if (!fs.existsSync(file)) return undefined;
  return benchmarkResultSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

async function main() {
  const options = suiteArgs(process.argv.slice(2));
  let interrupted = false;
  const outcomes: Outcome[] = [];
  for (const { name, small } of options.benchmarks) {
    if (interrupted) break;
    const json = path.join(options.out, `${name}.json`);
    fs.rmSync(json, { force: true });
    const args = [
      ...(options.small ? small : []),
      ...options.passThrough,
      '--json',
      json,
      ...(options.check ? ['--check'] : []),
    ];
    log(`${name}: ${args.join(' ')}`);
    const started = performance.now();
    const run = await runProcess(path.join(__dirname, name, 'run.ts'), args);
    const exit = run.exit;
    interrupted = run.interrupted;
    log(
      `${name}: done in ${((performance.now() - started) / 1000).toFixed(
        0,
      )} s, exit ${exit}`,
    );
    try {
      const result = readResult(json);
      // With --check a benchmark that missed a target exits 1 after writing its result.
      const missed = result?.targets.some(target => !target.met);
      if (result && (exit === 0 || (exit === 1 && options.check && missed))) {
        outcomes.push({ benchmark: name, result });
      } else {
        outcomes.push({
          benchmark: name,
          failure: `exit ${exit}${result ? '' : ', no result written'}`,
        });
      }
    } catch (error) {
      outcomes.push({
        benchmark: name,
        failure: `its result in ${json} is not one: ${error}`,
      });
    }
  }
  process.stdout.write(
    `\nbench: ${outcomes.length} of ${
      options.benchmarks.length
    } benchmarks ran; results in ${path.relative(
      REPO_ROOT,
      options.out,
    )}\n\n${summaryTable(outcomes).join('\n')}\n`,
  );
  if (interrupted) process.exit(130);
  process.exitCode = suitePassed(outcomes, options.check) ? 0 : 1;
}

main().catch(error => {
  process.stderr.write(`bench: ${error.message ?? error}\n`);
  process.exit(2);
});
