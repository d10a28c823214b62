import { backupsToDelete, DEFAULT_EXPONENTIAL_RETENTION } from './retention';

const NOW = new Date('2026-12-09T12:30:00Z'); // a Wednesday
const HOUR = 60 * 60 * 1000;

/** Backups taken every `everyHours` hours for `forHours` hours up to NOW, newest first. */
function series(everyHours: number, forHours: number) {
  const backups = [];
  for (let age = 0; age <= forHours; age += everyHours) {
    backups.push({
      id: `b-${age}h`,
      createdAt: new Date(NOW.getTime() - age * HOUR).toISOString(),
    });
  }
  return backups;
}

const ids = (backups: Array<{ id: string }>) => backups.map(b => b.id);

describe('backupsToDelete', () => {
  it('keeps the newest N, whatever order they are listed in', () => {
    const backups = series(6, 48).reverse();
    const deleted = backupsToDelete(backups, { keepNewest: 3 }, NOW);
    expect(ids(deleted).sort()).toEqual(
      ['b-18h', 'b-24h', 'b-30h', 'b-36h', 'b-42h', 'b-48h'].sort(),
    );
  });

  it('deletes nothing when there are no more than N', () => {
    expect(backupsToDelete(series(6, 12), { keepNewest: 7 }, NOW)).toEqual([]);
  });

  it('never deletes the newest backup, however old', () => {
    const old = [
      { id: 'a', createdAt: '2025-01-01T00:00:00Z' },
      { id: 'b', createdAt: '2025-01-02T00:00:00Z' },
    ];
    expect(
      ids(
        backupsToDelete(
          old,
          { keepNewest: 1, exponential: { hourly: 1, daily: 1, weekly: 1 } },
          NOW,
        ),
      ),
    ).toEqual(['a']);
  });

  it('refuses a policy that would keep nothing', () => {
    expect(() => backupsToDelete(series(1, 3), { keepNewest: 0 }, NOW)).toThrow(
      'retention must keep at least the newest backup; keepNewest is 0',
    );
  });

  describe('exponential', () => {
    // Hourly backups for six weeks.
    const backups = series(1, 6 * 7 * 24);
    const kept = (policy = DEFAULT_EXPONENTIAL_RETENTION) => {
      const deleted = new Set(
        backupsToDelete(backups, { keepNewest: 1, exponential: policy }, NOW),
      );
      return backups.filter(b => !deleted.has(b)).map(b => b.createdAt);
    };

    it('keeps one per hour for a day, per day for a week and per week for a month', () => {
      const times = kept();
      // The current hour and the 23 before it.
      for (let age = 0; age < 24; age++) {
        expect(times).toContain(
          new Date(NOW.getTime() - age * HOUR).toISOString(),
        );
      }
      // The last backup of each of the 6 days before today (today's is the newest).
      for (const day of ['03', '04', '05', '06', '07', '08']) {
        expect(times).toContain(`2026-12-${day}T23:30:00.000Z`);
      }
      // The last backup of each of the 3 weeks before this one (weeks start on Monday).
      for (const sunday of ['2026-11-22', '2026-11-29', '2026-12-06']) {
        expect(times).toContain(`${sunday}T23:30:00.000Z`);
      }
      // Nothing else: 24 hourly; 5 daily (today's and yesterday's last are hourlies); 2 weekly
      // (this week's is an hourly, last week's, Sunday 6 December, a daily).
      expect(times).toHaveLength(24 + 5 + 2);
      expect(times.some(time => time < '2026-11-22')).toBe(false);
    });

    it('keeps the same backups as time passes (a kept daily stays kept)', () => {
      const later = new Date(NOW.getTime() + 5 * HOUR);
      const deletedLater = new Set(
        ids(
          backupsToDelete(
            backups,
            { keepNewest: 1, exponential: DEFAULT_EXPONENTIAL_RETENTION },
            later,
          ),
        ),
      );
      expect(deletedLater.has('b-85h')).toBe(false); // 2026-12-05T23:30, a daily
    });

    it('takes its limits from the policy', () => {
      expect(kept({ hourly: 2, daily: 1, weekly: 0 })).toEqual([
        '2026-12-09T12:30:00.000Z',
        '2026-12-09T11:30:00.000Z',
      ]);
    });
  });
});
