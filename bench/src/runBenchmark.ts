/**
 * A benchmark's life: its command line read, its run, what it started stopped again however the
 * run ends, its table printed, its result written (`--json FILE`) and its targets checked
 * (`--check`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BenchmarkArgs, parseBenchmarkArgs, usage } from './args';
import { log } from './log';
import {
  BenchmarkResult,
  Measure,
  TargetDeclaration,
  checkTarget,
  describeMiss,
  machineFacts,
  targetTable,
} from './result';

/** Hands over how to stop something a benchmark started; see {@link runBenchmark}. */
export type StopLater = (stop: () => Promise<unknown>) => void;

/** What a benchmark's run hands back to be printed, written and checked. */
export interface BenchmarkReport {
  /** The benchmark's own table (Markdown lines), printed as they are. */
  table: string[];
  /** What the run found besides its options (how many clusters the hub held, a page's size). */
  parameters?: Record<string, string | number | boolean>;
  measures: Record<string, Measure>;
  baselines: Record<string, Measure>;
  ratios: Record<string, number>;
  targets: TargetDeclaration[];
}

export interface BenchmarkDefinition<S extends z.ZodRawShape> {
  /** Its folder under bench/, as `yarn bench` names it. */
  name: string;
  /** Its own options (sizes, choices), by camelCase name; see {@link parseBenchmarkArgs}. */
  options: S;
}

/** The result as `--json` writes it: the options the run took, then what it reported. */
export function toResult(
  name: string,
  args: BenchmarkArgs<z.ZodRawShape>,
  report: BenchmarkReport,
  date = new Date(),
): BenchmarkResult {
  const { json: _json, check: _check, ...options } = args;
  const parameters = Object.entries(options).filter(
    (entry): entry is [string, string | number | boolean] =>
      ['string', 'number', 'boolean'].includes(typeof entry[1]),
  );
  return {
    benchmark: name,
    date: date.toISOString(),
    machine: machineFacts(),
    parameters: { ...Object.fromEntries(parameters), ...report.parameters },
    measures: report.measures,
    baselines: report.baselines,
    ratios: report.ratios,
    targets: report.targets.map(checkTarget),
  };
}

/** Numbers in the JSON to six significant digits: timers give fifteen, of which the last are noise. */
const sixDigits = (_key: string, value: unknown) =>
  typeof value === 'number' && !Number.isInteger(value)
    ? Number(value.toPrecision(6))
    : value;

/**
 * Runs a benchmark and stops what it started once it ends, fails or is interrupted (Ctrl-C,
 * SIGTERM): the hub's processes run detached and would outlive the benchmark, keeping the cores
 * busy for whatever runs next. `main` hands over a stop for each thing as it starts it; they run
 * last first, once each, and a stop that fails is logged and the next one still runs.
 *
 * Exits 2 on a wrong command line, 1 when the run fails or, with `--check`, misses a target.
 */
export function runBenchmark<S extends z.ZodRawShape>(
  definition: BenchmarkDefinition<S>,
  main: (
    args: BenchmarkArgs<S>,
    stopLater: StopLater,
  ) => Promise<BenchmarkReport>,
) {
  let args: BenchmarkArgs<S>;
  try {
    args = parseBenchmarkArgs(definition.options);
  } catch (error) {
    process.stderr.write(
      `bench/${definition.name}: ${(error as Error).message}\nusage: ${usage(
        definition.options,
      )}\n`,
    );
    process.exit(2);
  }
  const stops: Array<() => Promise<unknown>> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const stop of stops.reverse()) {
        await stop().catch(error => log(`while stopping: ${error}`));
      }
    })());
  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals) => {
    interrupted = true;
    log(`${signal}: stopping what the benchmark started`);
    void stopAll().then(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const report = async (done: BenchmarkReport) => {
    const result = toResult(definition.name, args, done);
    process.stdout.write(
      `${[...done.table, '', ...targetTable(result.targets)].join('\n')}\n`,
    );
    if (args.json) {
      // Relative to where `yarn` was run, not to bench/ where it runs the script.
      const file = path.resolve(
        process.env.INIT_CWD ?? process.cwd(),
        args.json,
      );
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(result, sixDigits, 2)}\n`);
    }
    await stopAll();
    const missed = result.targets.filter(target => !target.met);
    if (args.check && missed.length > 0) {
      for (const target of missed) log(`missed: ${describeMiss(target)}`);
      process.exitCode = 1;
    }
  };
  main(args, stop => stops.push(stop))
    .then(report)
    .catch(async error => {
      // Interrupted, the benchmark fails as what it talks to stops; the interruption exits.
      if (interrupted) return;
      process.stderr.write(`${error.stack ?? error}\n`);
      await stopAll();
      process.exit(1);
    });
}
