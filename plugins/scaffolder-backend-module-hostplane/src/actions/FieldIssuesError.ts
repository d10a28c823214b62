import { InputError } from '@backstage/errors';
import { FieldIssue } from '@hostplane/plugin-hostplane-common';

/** Bad input found before anything is sent: every field issue with its path, as the API reports them. */
export class FieldIssuesError extends InputError {
  constructor(message: string, readonly issues: FieldIssue[]) {
    super(message);
  }
}
