import {
  MAX_BACKUP_JITTER_MS,
  assertBackupSchedule,
  firingOf,
  jitterFraction,
  jitterWindowMs,
  latestDueBackup,
  nextBackupAt,
} from './schedule';

const at = (iso: string) => new Date(iso);
const offsetOf = (firing: { slot: Date; at: Date }) =>
  firing.at.getTime() - firing.slot.getTime();

describe('jitter', () => {
  it('is the same for one key every time and differs between keys', () => {
    expect(jitterFraction('local/payments')).toBe(
      jitterFraction('local/payments'),
    );
    expect(jitterFraction('local/payments')).not.toBe(
      jitterFraction('local/billing'),
    );
  });

  it('spans half the interval, up to five minutes', () => {
    expect(
      jitterWindowMs(at('2026-01-01T00:00:00Z'), at('2026-01-01T00:01:00Z')),
    ).toBe(30_000);
    expect(
      jitterWindowMs(at('2026-01-01T00:00:00Z'), at('2026-01-01T06:00:00Z')),
    ).toBe(MAX_BACKUP_JITTER_MS);
  });

  it('spreads 10,000 clusters on one schedule over the whole window, a few dozen a second at most', () => {
    const slot = at('2026-03-01T06:00:00Z');
    const perSecond = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const offset = offsetOf(
        firingOf('0 */6 * * *', `east/cluster-${i}`, slot),
      );
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(MAX_BACKUP_JITTER_MS);
      const second = Math.floor(offset / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    // 300 one-second buckets, 33 clusters each on average: every bucket is used, none is crowded.
    expect(perSecond.size).toBe(300);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(60);
    expect(Math.min(...perSecond.values())).toBeGreaterThanOrEqual(10);
  });

  it('spreads a minutely schedule over its first 30 seconds', () => {
    const slot = at('2026-03-01T06:07:00Z');
    const offsets = Array.from({ length: 10_000 }, (_, i) =>
      offsetOf(firingOf('* * * * *', `east/cluster-${i}`, slot)),
    );
    expect(Math.max(...offsets)).toBeLessThan(30_000);
    expect(Math.max(...offsets)).toBeGreaterThan(29_000);
    expect(Math.min(...offsets)).toBeLessThan(1_000);
  });
});

describe('nextBackupAt', () => {
  const key = 'local/payments';

  it('is the next cron slot (UTC) plus the cluster jitter', () => {
    const next = nextBackupAt('0 */6 * * *', key, at('2026-03-01T07:00:00Z'))!;
    expect(next.slot).toEqual(at('2026-03-01T12:00:00Z'));
    expect(offsetOf(next)).toBe(
      Math.floor(jitterFraction(key) * MAX_BACKUP_JITTER_MS),
    );
  });

  it('is the current slot while its jitter has not passed', () => {
    const slot = at('2026-03-01T12:00:00Z');
    const firing = firingOf('0 */6 * * *', key, slot);
    expect(offsetOf(firing)).toBeGreaterThan(0);
    const justBefore = new Date(firing.at.getTime() - 1);
    expect(nextBackupAt('0 */6 * * *', key, justBefore)).toEqual(firing);
    expect(nextBackupAt('0 */6 * * *', key, firing.at)!.slot).toEqual(
      at('2026-03-01T18:00:00Z'),
    );
  });

  it('follows irregular schedules slot by slot, in order', () => {
    let time = at('2026-03-01T00:00:00Z');
    const slots: string[] = [];
    for (let i = 0; i < 6; i++) {
      const next = nextBackupAt('15 1,2,20 * * *', key, time)!;
      expect(next.at.getTime()).toBeGreaterThan(time.getTime());
      slots.push(next.slot.toISOString());
      time = next.at;
    }
    expect(slots).toEqual([
      '2026-03-01T01:15:00.000Z',
      '2026-03-01T02:15:00.000Z',
      '2026-03-01T20:15:00.000Z',
      '2026-03-02T01:15:00.000Z',
      '2026-03-02T02:15:00.000Z',
      '2026-03-02T20:15:00.000Z',
    ]);
  });

  it('refuses what is not a cron expression, naming it', () => {
    expect(() => nextBackupAt('61 * * * *', key, new Date())).toThrow(
      "backup schedule '61 * * * *' is not a valid cron expression",
    );
    expect(() => assertBackupSchedule('every hour')).toThrow(
      "backup schedule 'every hour'",
    );
  });
});

describe('latestDueBackup', () => {
  const key = 'local/payments';

  it('is the latest slot whose firing has passed', () => {
    const firing = firingOf('0 */6 * * *', key, at('2026-03-01T12:00:00Z'));
    expect(latestDueBackup('0 */6 * * *', key, firing.at)).toEqual(firing);
    expect(
      latestDueBackup('0 */6 * * *', key, at('2026-03-01T17:59:59Z')),
    ).toEqual(firing);
    // Before the slot's jitter has passed, the slot before it is the latest due.
    expect(
      latestDueBackup('0 */6 * * *', key, new Date(firing.at.getTime() - 1))!
        .slot,
    ).toEqual(at('2026-03-01T06:00:00Z'));
  });

  it('agrees with nextBackupAt: the next firing after the latest due one', () => {
    for (const schedule of ['* * * * *', '*/5 * * * *', '30 3 * * 1']) {
      const now = at('2026-03-04T10:02:33Z');
      const due = latestDueBackup(schedule, key, now)!;
      const next = nextBackupAt(schedule, key, now)!;
      expect(due.at.getTime()).toBeLessThanOrEqual(now.getTime());
      expect(next.at.getTime()).toBeGreaterThan(now.getTime());
      expect(nextBackupAt(schedule, key, due.at)).toEqual(next);
    }
  });
});
