import { ResponseError } from '@backstage/errors';

/** What the server said went wrong (its message), or the error's own message. */
export function errorReason(error: Error): string {
  if (error.name === 'ResponseError') {
    return (error as ResponseError).cause?.message || error.message;
  }
  return error.message;
}
