import { listUntilComplete } from './clusterList';

describe('listUntilComplete', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lists again, waiting longer each time, until no hub is incomplete or the list fails', async () => {
    const answers: Array<string[] | Error> = [
      new Error('connect ECONNREFUSED'),
      ['local'],
      ['local', 'edge'],
      [],
    ];
    const calls: number[] = [];
    const misses: string[] = [];
    const started = Date.now();
    listUntilComplete({
      list: async () => {
        calls.push(Date.now() - started);
        const answer = answers.shift()!;
        if (answer instanceof Error) throw answer;
        return { incompleteHubs: answer };
      },
      onMiss: reason => misses.push(reason),
    });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(calls).toEqual([0, 500, 1500, 3500]);
    expect(misses).toEqual([
      'connect ECONNREFUSED',
      'hubs not listed in full yet: local',
      'hubs not listed in full yet: local, edge',
    ]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(4);
  });

  it('never waits more than 30 seconds between attempts, and stops when told', async () => {
    const calls: number[] = [];
    const started = Date.now();
    const stop = listUntilComplete({
      list: async () => {
        calls.push(Date.now() - started);
        return { incompleteHubs: ['local'] };
      },
      onMiss: () => {},
    });
    await jest.advanceTimersByTimeAsync(120_000);
    const gaps = calls.slice(1).map((at, i) => at - calls[i]);
    expect(gaps.slice(-2)).toEqual([30_000, 30_000]);
    stop();
    const seen = calls.length;
    await jest.advanceTimersByTimeAsync(120_000);
    expect(calls).toHaveLength(seen);
  });
});
