import {
  StandinLog,
  describeClusterStatus,
  describeConditions,
} from './realTenantWait';

describe('describeClusterStatus', () => {
  it('names the phase, the endpoint and every condition with its reason', () => {
    expect(
      describeClusterStatus({
        phase: 'Provisioning',
        conditions: [
          {
            type: 'Available',
            status: 'False',
            reason: 'Waiting',
            message: 'no endpoint',
          },
          { type: 'Degraded', status: 'False' },
        ],
      }),
    ).toBe(
      'phase Provisioning, endpoint none, conditions Available=False (Waiting: no endpoint); Degraded=False (: )',
    );
  });

  it('says so when there are no conditions yet', () => {
    expect(describeConditions(undefined)).toBe('none');
    expect(describeConditions([])).toBe('none');
  });
});

describe('StandinLog', () => {
  it('passes a wait that succeeds through', async () => {
    const standin = new StandinLog();
    standin.log('started');
    await expect(standin.explainFailure(Promise.resolve(42))).resolves.toBe(42);
  });

  it("ends a failed wait's error with the last lines of the stand-in's log", async () => {
    const standin = new StandinLog();
    for (const line of ['one', 'two', 'three']) standin.log(line);
    await expect(
      standin.explainFailure(Promise.reject(new Error('Timed out')), 2),
    ).rejects.toThrow(
      "Timed out\nthe stand-in's last 2 log lines:\ntwo\nthree",
    );
  });

  it('says when the stand-in logged nothing', async () => {
    await expect(
      new StandinLog().explainFailure(Promise.reject(new Error('Timed out'))),
    ).rejects.toThrow("Timed out\nthe stand-in's last 0 log lines:\n(none)");
  });
});
