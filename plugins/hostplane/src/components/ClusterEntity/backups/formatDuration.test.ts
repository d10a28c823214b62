import { formatDuration, relativeTime } from './formatDuration';

describe('formatDuration', () => {
  it('says a duration in the unit that fits', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_400)).toBe('12.4 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(2 * 3_600_000 + 10 * 60_000)).toBe('2 h 10 min');
    expect(formatDuration(3 * 86_400_000)).toBe('3 days');
  });
});

describe('relativeTime', () => {
  const now = Date.parse('2026-08-02T12:00:00Z');
  it('says how long ago or how soon, in whole minutes', () => {
    expect(relativeTime('2026-08-02T11:55:30Z', now)).toBe('4 min ago');
    expect(relativeTime('2026-08-02T09:00:00Z', now)).toBe('3 h ago');
    expect(relativeTime('2026-08-02T14:10:00Z', now)).toBe('in 2 h 10 min');
    expect(relativeTime('2026-08-02T11:59:45Z', now)).toBe('just now');
    expect(relativeTime(undefined, now)).toBeUndefined();
    expect(relativeTime('soon', now)).toBeUndefined();
  });
});
