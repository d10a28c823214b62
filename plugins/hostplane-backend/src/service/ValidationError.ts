import { InputError } from '@backstage/errors';
import { z } from 'zod';

export interface FieldIssue {
  /** Where in the request body or query the problem is, such as `nodePools.0.replicas`. */
  path: Array<string | number>;
  message: string;
}

/** Bad input, field by field: answered with 400 and every issue with its path. */
export class ValidationError extends InputError {
  constructor(readonly issues: FieldIssue[]) {
    super(
      issues
        .map(issue =>
          issue.path.length
            ? `${issue.path.join('.')}: ${issue.message}`
            : issue.message,
        )
        .join('; '),
    );
    this.name = 'InputError';
  }

  static fromZod(
    error: z.ZodError,
    prefix: Array<string | number> = [],
  ): ValidationError {
    return new ValidationError(
      error.issues.flatMap(issue => {
        const path = [
          ...prefix,
          ...issue.path.map(p => (typeof p === 'symbol' ? String(p) : p)),
        ];
        // Unknown fields are reported on their parent; a caller wants the field itself.
        if (issue.code === 'unrecognized_keys') {
          return issue.keys.map(key => ({
            path: [...path, key],
            message: `unknown field '${key}'`,
          }));
        }
        return [{ path, message: issue.message }];
      }),
    );
  }
}
