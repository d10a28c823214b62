import { z } from 'zod';

/** One problem with a request, at the path of the field it is about: how the API answers bad input. */
export const fieldIssueSchema = z.object({
  path: z
    .array(z.union([z.string(), z.number()]))
    .describe(
      'Where in the request body or query the problem is, such as `nodePools.0.replicas`.',
    ),
  message: z.string(),
});
export type FieldIssue = z.output<typeof fieldIssueSchema>;

/**
 * The issues of a failed zod parse as field issues, each path after `prefix`. An unknown field is
 * reported on the field itself, where zod reports it on its parent.
 */
export function fieldIssuesOf(
  error: z.ZodError,
  prefix: Array<string | number> = [],
): FieldIssue[] {
  return error.issues.flatMap(issue => {
    const path = [
      ...prefix,
      ...issue.path.map(p => (typeof p === 'symbol' ? String(p) : p)),
    ];
    return issue.code === 'unrecognized_keys'
      ? issue.keys.map(key => ({
          path: [...path, key],
          message: `unknown field '${key}'`,
        }))
      : [{ path, message: issue.message }];
  });
}

/** Field issues in one line: `path: message`, separated by semicolons. */
export function describeFieldIssues(issues: FieldIssue[]): string {
  return issues
    .map(issue =>
      issue.path.length
        ? `${issue.path.join('.')}: ${issue.message}`
        : issue.message,
    )
    .join('; ');
}
