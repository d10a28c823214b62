import { InputError } from '@backstage/errors';
import {
  FieldIssue,
  describeFieldIssues,
  fieldIssuesOf,
} from '@hostplane/plugin-hostplane-common';
import { z } from 'zod';

/** Bad input, field by field: answered with 400 and every issue with its path. */
export class ValidationError extends InputError {
  constructor(readonly issues: FieldIssue[]) {
    super(describeFieldIssues(issues));
    this.name = 'InputError';
  }

  static fromZod(
    error: z.ZodError,
    prefix: Array<string | number> = [],
  ): ValidationError {
    return new ValidationError(fieldIssuesOf(error, prefix));
  }
}
