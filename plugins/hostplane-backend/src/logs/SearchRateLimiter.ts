import { CustomErrorBase } from '@backstage/errors';

/** Too many searches by one user: answered with 429 and when to try again. */
export class TooManySearchesError extends CustomErrorBase {
  name = 'TooManyRequestsError' as const;
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

/**
 * At most `perMinute` searches per user in any minute (a sliding window). A refusal says how
 * many the user ran and when the next one is allowed.
 */
export class SearchRateLimiter {
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(user: string): void {
    const now = this.now();
    const windowStart = now - 60_000;
    const times = (this.recent.get(user) ?? []).filter(t => t > windowStart);
    if (times.length >= this.perMinute) {
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil((times[0] - windowStart) / 1000),
      );
      this.recent.set(user, times);
      throw new TooManySearchesError(
        `${user} ran ${times.length} log searches in the last minute, the most allowed; try again in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      );
    }
    times.push(now);
    this.recent.set(user, times);
    // Users who stopped searching are forgotten, so the map does not grow with every user ever.
    if (this.recent.size > 10_000) {
      for (const [key, value] of this.recent) {
        if (value[value.length - 1] <= windowStart) this.recent.delete(key);
      }
    }
  }
}
