export { log } from './log';
export { size } from './args';
export type { BenchmarkArgs } from './args';
export { startBenchHub, waitForQuietHub } from './hub';
export {
  cpuSeconds,
  cpuShareSince,
  getJson,
  memoryViaInspector,
  percentile,
  rssMiB,
} from './measure';
export type { MemoryMiB } from './measure';
export { runBenchmark } from './runBenchmark';
export type { BenchmarkReport, StopLater } from './runBenchmark';
