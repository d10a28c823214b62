/**
 * The benchmarks `yarn bench` runs, in this order. A benchmark is a folder under bench/ with a
 * `run.ts` that calls `runBenchmark`, and an entry here.
 */
export interface RegisteredBenchmark {
  /** Its folder under bench/. */
  name: string;
  /**
   * Its options for `yarn bench --small`: a run of a few minutes at most, on a small hub of its
   * own, that shows the benchmark works end to end. Its figures are not ones to quote.
   */
  small: string[];
}

export const BENCHMARKS: RegisteredBenchmark[] = [
  {
    name: 'cluster-list',
    small: [
      '--hub',
      'bench-small',
      '--count',
      '200',
      '--rounds',
      '20',
      '--idle-seconds',
      '10',
    ],
  },
  {
    name: 'catalog-ingest',
    small: ['--hub', 'bench-small', '--count', '200', '--changes', '6'],
  },
  {
    name: 'hub-seed',
    small: ['--count', '200', '--chunk', '100', '--baseline', '50'],
  },
  {
    name: 'etcd-backup',
    small: ['--size-mib', '64', '--rounds', '2', '--hub', 'bench-etcd-small'],
  },
  {
    name: 'threat-pipeline',
    small: [
      '--count',
      '50000',
      '--clusters',
      '100',
      '--paced-seconds',
      '20',
      '--hub',
      'bench-small',
    ],
  },
  {
    name: 'monitoring',
    small: [
      '--count',
      '50',
      '--range',
      '1h',
      '--interval-seconds',
      '15',
      '--rounds',
      '30',
      '--real-tenants',
      '1',
      '--live-seconds',
      '30',
      '--hub',
      'bench-monitoring-small',
    ],
  },
  {
    name: 'logs',
    small: [
      '--count',
      '50',
      '--size-mib',
      '20',
      '--hours',
      '1',
      '--rounds',
      '30',
      '--live-lines',
      '20',
      '--hub',
      'bench-logs-small',
    ],
  },
];
