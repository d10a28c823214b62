/**
 * A benchmark's command line: its own options, declared as zod schemas by camelCase name and
 * given as `--kebab-case value`, and the two every benchmark takes, `--json FILE` and `--check`.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';

export type BenchmarkArgs<S extends z.ZodRawShape> = z.output<
  z.ZodObject<S>
> & {
  /** Where to write the result as JSON. */
  json?: string;
  /** Exit with 1 when a target is missed. */
  check: boolean;
};

const optionName = (key: string) =>
  key.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`);

/** A size option, such as `--count 10000`: a whole number above zero. */
export const size = (fallback: number) =>
  z.coerce.number().int().positive().default(fallback);

/** Reads the command line; throws naming the option that is unknown or wrong. */
export function parseBenchmarkArgs<S extends z.ZodRawShape>(
  shape: S,
  args: string[] = process.argv.slice(2),
): BenchmarkArgs<S> {
  const { values }: { values: Record<string, string | boolean | undefined> } =
    parseArgs({
      args,
      strict: true,
      options: {
        ...Object.fromEntries(
          Object.keys(shape).map(key => [
            optionName(key),
            { type: 'string' as const },
          ]),
        ),
        json: { type: 'string' },
        check: { type: 'boolean' },
      },
    });
  const parsed = z
    .object(shape)
    .safeParse(
      Object.fromEntries(
        Object.keys(shape).map(key => [key, values[optionName(key)]]),
      ),
    );
  if (!parsed.success) {
    throw new Error(
      parsed.error.issues
        .map(
          issue => `--${optionName(String(issue.path[0]))}: ${issue.message}`,
        )
        .join('; '),
    );
  }
  return {
    ...parsed.data,
    json: values.json as string | undefined,
    check: values.check === true,
  };
}

/** The options with their defaults, for the message on a wrong command line. */
export function usage(shape: z.ZodRawShape): string {
  const own = Object.entries(shape).map(([key, schema]) => {
    const fallback = (schema as z.ZodType).safeParse(undefined);
    return `[--${optionName(key)} ${
      fallback.success ? String(fallback.data) : 'VALUE'
    }]`;
  });
  return [...own, '[--json FILE]', '[--check]'].join(' ');
}
