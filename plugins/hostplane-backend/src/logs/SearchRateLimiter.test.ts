import { SearchRateLimiter, TooManySearchesError } from './SearchRateLimiter';

describe('SearchRateLimiter', () => {
  it('allows so many searches per user per minute, then says when to try again', () => {
    let now = 1_000_000;
    const limiter = new SearchRateLimiter(3, () => now);
    for (let i = 0; i < 3; i++) {
      limiter.take('user:default/alice');
      now += 10_000;
    }

    expect(() => limiter.take('user:default/alice')).toThrow(
      new TooManySearchesError(
        'user:default/alice ran 3 log searches in the last minute, the most allowed; try again in 30 s',
        30,
      ),
    );
    // Another user is counted apart.
    expect(() => limiter.take('user:default/bob')).not.toThrow();
    // A minute after the first search, one more is allowed.
    now = 1_000_000 + 60_001;
    expect(() => limiter.take('user:default/alice')).not.toThrow();
    expect(() => limiter.take('user:default/alice')).toThrow(
      TooManySearchesError,
    );
  });
});
