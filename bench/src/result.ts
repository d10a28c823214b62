/**
 * What a benchmark reports, as it writes it with `--json FILE` and as `yarn bench` reads it back:
 * its measures, the baseline measured in the same run, the ratios between them, and its targets,
 * each with whether it was met.
 */
import os from 'node:os';
import { z } from 'zod';

const COMPARE = {
  '<': (value: number, threshold: number) => value < threshold,
  '<=': (value: number, threshold: number) => value <= threshold,
  '>': (value: number, threshold: number) => value > threshold,
  '>=': (value: number, threshold: number) => value >= threshold,
  '==': (value: number, threshold: number) => value === threshold,
};

export const targetSchema = z.object({
  /** What is held against the threshold, as the summary shows it. */
  name: z.string(),
  value: z.number(),
  comparison: z.enum(['<', '<=', '>', '>=', '==']),
  threshold: z.number(),
  /** The unit of both the value and the threshold: `ms`, `s`, `MiB`, `x` for a ratio. */
  unit: z.string(),
  met: z.boolean(),
});
export type Target = z.infer<typeof targetSchema>;
/** A target as a benchmark declares it; {@link checkTarget} says whether it was met. */
export type TargetDeclaration = Omit<Target, 'met'>;

export const measureSchema = z.object({ value: z.number(), unit: z.string() });
export type Measure = z.infer<typeof measureSchema>;

/** What a figure depends on besides the code: the same benchmark differs from machine to machine. */
export const machineSchema = z.object({
  cores: z.number(),
  memoryGiB: z.number(),
  cpuModel: z.string(),
  node: z.string(),
});
export type Machine = z.infer<typeof machineSchema>;

export const benchmarkResultSchema = z.object({
  benchmark: z.string(),
  date: z.iso.datetime(),
  machine: machineSchema,
  parameters: z.record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean()]),
  ),
  measures: z.record(z.string(), measureSchema),
  baselines: z.record(z.string(), measureSchema),
  /**
   * Measures against their baselines, as the table quotes them: `aFasterThanB` is how many times
   * faster a is, `aOverB` is a divided by b.
   */
  ratios: z.record(z.string(), z.number()),
  targets: z.array(targetSchema),
});
export type BenchmarkResult = z.infer<typeof benchmarkResultSchema>;

export function checkTarget(target: TargetDeclaration): Target {
  if (!Number.isFinite(target.value)) {
    throw new Error(
      `target '${target.name}' has no measured value (${target.value})`,
    );
  }
  return {
    ...target,
    met: COMPARE[target.comparison](target.value, target.threshold),
  };
}

export function machineFacts(): Machine {
  return {
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
  };
}

/** A figure as tables show it: three significant digits at most, whole numbers as they are. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  return value.toFixed(magnitude >= 10 ? 1 : 2);
}

const withUnit = (value: number, unit: string) =>
  unit === 'x' ? `${formatNumber(value)}x` : `${formatNumber(value)} ${unit}`;

/** The target's condition, such as `< 60 s` or `>= 10x`. */
export function describeThreshold(target: TargetDeclaration): string {
  return `${target.comparison} ${withUnit(target.threshold, target.unit)}`;
}

export function describeValue(target: TargetDeclaration): string {
  return withUnit(target.value, target.unit);
}

/** One line for a missed target: what, the value measured and the threshold. */
export function describeMiss(target: Target): string {
  return `${target.name}: ${describeValue(target)}, target ${describeThreshold(
    target,
  )}`;
}

/** A target's cells in a table: what and its threshold, the value measured, whether met. */
export function targetCells(target: Target): [string, string, string] {
  return [
    `${target.name} ${describeThreshold(target)}`,
    describeValue(target),
    target.met ? 'yes' : 'NO',
  ];
}

/** The targets as a Markdown table, printed after a benchmark's own. */
export function targetTable(targets: Target[]): string[] {
  return [
    '| target | value | met |',
    '|---|---|---|',
    ...targets.map(target => `| ${targetCells(target).join(' | ')} |`),
  ];
}
