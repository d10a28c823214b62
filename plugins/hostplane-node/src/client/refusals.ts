import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  describeFieldIssues,
  fieldIssueSchema,
} from '@hostplane/plugin-hostplane-common';
import { z } from 'zod';

const issuesBodySchema = z.object({ issues: z.array(fieldIssueSchema) });

/** Keeps a proxy's error page from flooding a log. */
function truncate(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/**
 * A refusal as an error for people: what was asked, the API's own message (or, for bad input, each
 * field issue with its path) and the status. It stays a ResponseError, so the status and the API's
 * error (as `cause`) remain there for code that looks.
 */
export async function refusal(
  response: Response,
  what: string,
): Promise<ResponseError> {
  const issues = await response
    .clone()
    .json()
    .then(body => issuesBodySchema.safeParse(body).data?.issues)
    .catch(() => undefined);
  const error = await ResponseError.fromResponse(response);
  const detail = issues?.length
    ? describeFieldIssues(issues)
    : truncate(error.cause.message);
  error.message = `Could not ${what}: ${detail} (Hostplane answered ${error.statusCode})`;
  // The scaffolder logs a failed step's stack, whose first line must be this message too.
  Error.captureStackTrace(error, refusal);
  return error;
}

/**
 * A refusal, with the same message, as the error Backstage's error handler answers with the same
 * status (a ResponseError becomes a 500 there): for what is answered over HTTP, as a dry run is.
 */
export function withRefusalStatus(error: unknown): unknown {
  if (!(error instanceof ResponseError)) return error;
  switch (error.statusCode) {
    case 400:
      return new InputError(error.message);
    case 403:
      return new NotAllowedError(error.message);
    case 404:
      return new NotFoundError(error.message);
    case 409:
      return new ConflictError(error.message);
    case 503:
      return new ServiceUnavailableError(error.message);
    default:
      return error;
  }
}
