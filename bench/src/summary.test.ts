import { BenchmarkResult, Target } from './result';
import { Outcome, suitePassed, summaryTable } from './summary';

const target = (name: string, value: number, met: boolean): Target => ({
  name,
  value,
  comparison: '<',
  threshold: 60,
  unit: 's',
  met,
});

const result = (benchmark: string, targets: Target[]): BenchmarkResult => ({
  benchmark,
  date: '2026-12-07T21:00:00.000Z',
  machine: { cores: 2, memoryGiB: 23, cpuModel: 'a CPU', node: 'v22.23.3' },
  parameters: {},
  measures: {},
  baselines: {},
  ratios: {},
  targets,
});

const allMet: Outcome = {
  benchmark: 'cluster-list',
  result: result('cluster-list', [target('list page p95', 10.1, true)]),
};
const oneMissed: Outcome = {
  benchmark: 'catalog-ingest',
  result: result('catalog-ingest', [
    target('cold start', 111.9, false),
    target('restart', 11.6, true),
  ]),
};
const failed: Outcome = { benchmark: 'hub-seed', failure: 'exit 1' };

describe('summaryTable', () => {
  it('has a row per target and per failed benchmark', () => {
    expect(summaryTable([allMet, oneMissed, failed])).toEqual([
      '| benchmark | target | value | met |',
      '|---|---|---|---|',
      '| cluster-list | list page p95 < 60 s | 10.1 s | yes |',
      '| catalog-ingest | cold start < 60 s | 112 s | NO |',
      '| catalog-ingest | restart < 60 s | 11.6 s | yes |',
      '| hub-seed | failed: exit 1 | | NO |',
    ]);
  });
});

describe('suitePassed', () => {
  it('passes when every target is met', () => {
    expect(suitePassed([allMet], true)).toBe(true);
  });

  it('fails on a missed target only when targets are checked', () => {
    expect(suitePassed([allMet, oneMissed], true)).toBe(false);
    expect(suitePassed([allMet, oneMissed], false)).toBe(true);
  });

  it('fails when a benchmark failed, checked or not', () => {
    expect(suitePassed([allMet, failed], false)).toBe(false);
  });
});
