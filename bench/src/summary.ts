/** What `yarn bench` makes of its benchmarks' runs: one table, and whether the suite passed. */
import { BenchmarkResult, targetCells } from './result';

/** One benchmark's run: its result, or why there is none. */
export type Outcome =
  | { benchmark: string; result: BenchmarkResult }
  | { benchmark: string; failure: string };

export function summaryTable(outcomes: Outcome[]): string[] {
  return [
    '| benchmark | target | value | met |',
    '|---|---|---|---|',
    ...outcomes.flatMap(outcome =>
      'failure' in outcome
        ? [`| ${outcome.benchmark} | failed: ${outcome.failure} | | NO |`]
        : outcome.result.targets.map(
            target =>
              `| ${[outcome.benchmark, ...targetCells(target)].join(' | ')} |`,
          ),
    ),
  ];
}

/** Every benchmark ran and, when targets are checked, met every target. */
export function suitePassed(outcomes: Outcome[], check: boolean): boolean {
  return outcomes.every(outcome =>
    'failure' in outcome
      ? false
      : !check || outcome.result.targets.every(target => target.met),
  );
}
