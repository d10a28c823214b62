import { ResponseError } from '@backstage/errors';

/** The HTTP status the Hostplane API refused a request with, if that is what happened. */
export function refusedWith(error: unknown): number | undefined {
  return error instanceof Error && error.name === 'ResponseError'
    ? (error as ResponseError).statusCode
    : undefined;
}

/** What the server said went wrong (its message), or the error's own message. */
export function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'ResponseError') {
    return (error as ResponseError).cause?.message || error.message;
  }
  return error.message;
}
