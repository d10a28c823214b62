import { listUntilComplete } from './listUntilComplete';

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
    const listing = listUntilComplete({
      list: async () => {
        calls.push(Date.now() - started);
        return { incompleteHubs: ['local'] };
      },
      onMiss: () => {},
    });
    await jest.advanceTimersByTimeAsync(120_000);
    const gaps = calls.slice(1).map((at, i) => at - calls[i]);
    expect(gaps.slice(-2)).toEqual([30_000, 30_000]);
    listing.stop();
    const seen = calls.length;
    await jest.advanceTimersByTimeAsync(120_000);
    expect(calls).toHaveLength(seen);
  });

  it('lists at once when told a hub was listed, after the running attempt if one runs', async () => {
    const calls: number[] = [];
    const started = Date.now();
    let finish: (incompleteHubs: string[]) => void = () => {};
    const listing = listUntilComplete({
      list: () => {
        calls.push(Date.now() - started);
        return new Promise(resolve =>
          setTimeout(() => {
            finish = hubs => resolve({ incompleteHubs: hubs });
          }, 0),
        );
      },
      onMiss: () => {},
    });
    await jest.advanceTimersByTimeAsync(100);
    expect(calls).toEqual([0]);
    // Told while the first attempt still runs: the next goes as soon as it ends, not 500 ms later.
    listing.listNow();
    finish(['local']);
    await jest.advanceTimersByTimeAsync(100);
    expect(calls).toEqual([0, 100]);
    finish(['local']);
    await jest.advanceTimersByTimeAsync(300);
    expect(calls).toEqual([0, 100]);
    // Told while it waits to try again: at once.
    listing.listNow();
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([0, 100, 500]);
    finish([]);
    await jest.advanceTimersByTimeAsync(100);
    // Complete: told again, it lists no more.
    listing.listNow();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(calls).toEqual([0, 100, 500]);
  });
});
