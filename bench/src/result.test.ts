import {
  BenchmarkResult,
  benchmarkResultSchema,
  checkTarget,
  describeMiss,
  targetTable,
} from './result';
import { toResult } from './runBenchmark';

const coldStart = {
  name: 'cold start',
  comparison: '<' as const,
  threshold: 60,
  unit: 's',
};

describe('checkTarget', () => {
  it.each([
    ['<', 59.9, true],
    ['<', 60, false],
    ['<=', 60, true],
    ['<=', 60.1, false],
    ['>', 60.1, true],
    ['>', 60, false],
    ['>=', 60, true],
    ['>=', 59.9, false],
    ['==', 60, true],
    ['==', 61, false],
  ] as const)('%s 60 with %d is met: %s', (comparison, value, met) => {
    expect(checkTarget({ ...coldStart, comparison, value }).met).toBe(met);
  });

  it('refuses a target with nothing measured', () => {
    expect(() => checkTarget({ ...coldStart, value: NaN })).toThrow(
      "target 'cold start' has no measured value (NaN)",
    );
  });
});

describe('a missed target', () => {
  const missed = checkTarget({ ...coldStart, value: 111.94 });

  it('names the value and the threshold', () => {
    expect(describeMiss(missed)).toBe('cold start: 112 s, target < 60 s');
  });

  it('shows as NO in the table, ratios with an x', () => {
    const ratio = checkTarget({
      name: 'list page faster',
      value: 10.53,
      comparison: '>=',
      threshold: 10,
      unit: 'x',
    });
    expect(targetTable([missed, ratio])).toEqual([
      '| target | value | met |',
      '|---|---|---|',
      '| cold start < 60 s | 112 s | NO |',
      '| list page faster >= 10x | 10.5x | yes |',
    ]);
  });
});

describe('toResult', () => {
  const result: BenchmarkResult = toResult(
    'catalog-ingest',
    { count: 200, database: 'postgres', json: 'out.json', check: true },
    {
      table: ['| measure |'],
      parameters: { clusters: 202 },
      measures: { coldStart: { value: 48.5, unit: 's' } },
      baselines: { pagedListOfAllFromHub: { value: 2.9, unit: 's' } },
      ratios: { coldStartOverPagedList: 48.5 / 2.9 },
      targets: [{ ...coldStart, value: 48.5 }],
    },
    new Date('2026-12-07T21:00:00Z'),
  );

  it('holds the options and what the run found, not --json and --check', () => {
    expect(result.parameters).toEqual({
      count: 200,
      database: 'postgres',
      clusters: 202,
    });
  });

  it('says whether each target was met', () => {
    expect(result.targets).toEqual([{ ...coldStart, value: 48.5, met: true }]);
  });

  it('is what the schema reads back from JSON', () => {
    expect(
      benchmarkResultSchema.parse(JSON.parse(JSON.stringify(result))),
    ).toEqual(result);
    expect(result.date).toBe('2026-12-07T21:00:00.000Z');
    expect(result.machine.cores).toBeGreaterThan(0);
  });
});
