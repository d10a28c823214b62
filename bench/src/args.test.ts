import { z } from 'zod';
import { parseBenchmarkArgs, size, usage } from './args';

const options = {
  count: size(10_000),
  postgresVia: z.enum(['tcp', 'socket']).default('tcp'),
};

describe('parseBenchmarkArgs', () => {
  it('takes the defaults when told nothing', () => {
    expect(parseBenchmarkArgs(options, [])).toEqual({
      count: 10_000,
      postgresVia: 'tcp',
      json: undefined,
      check: false,
    });
  });

  it('reads kebab-case options, --json and --check', () => {
    expect(
      parseBenchmarkArgs(options, [
        '--count',
        '200',
        '--postgres-via',
        'socket',
        '--json',
        'out.json',
        '--check',
      ]),
    ).toEqual({
      count: 200,
      postgresVia: 'socket',
      json: 'out.json',
      check: true,
    });
  });

  it('names a wrong value', () => {
    expect(() => parseBenchmarkArgs(options, ['--count', 'many'])).toThrow(
      /^--count: /,
    );
    expect(() =>
      parseBenchmarkArgs(options, ['--postgres-via', 'udp']),
    ).toThrow(/^--postgres-via: /);
  });

  it('refuses an option it does not take', () => {
    expect(() => parseBenchmarkArgs(options, ['--rounds', '20'])).toThrow(
      "Unknown option '--rounds'",
    );
  });

  it('lists the options with their defaults', () => {
    expect(usage(options)).toBe(
      '[--count 10000] [--postgres-via tcp] [--json FILE] [--check]',
    );
  });
});
