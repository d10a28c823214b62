import { ResponseError } from '@backstage/errors';

/**
 * The API's refusal as a `ResponseError` whose cause carries the server's message.
 *
 * Hostplane answers bad input (400) with `{ error, issues }`, without the `response` part of
 * Backstage's error body; `ResponseError.fromResponse` alone would turn that into
 * "Request failed with status 400 Bad Request, <the JSON>". The body keeps the `issues`.
 */
export async function responseError(
  response: Response,
): Promise<ResponseError> {
  const text = await response.text();
  return ResponseError.fromResponse({
    headers: response.headers,
    ok: response.ok,
    redirected: response.redirected,
    status: response.status,
    statusText: response.statusText,
    type: response.type,
    url: response.url,
    text: async () => withResponsePart(text, response.status),
  });
}

function withResponsePart(text: string, statusCode: number): string {
  try {
    const body = JSON.parse(text);
    if (
      body &&
      typeof body === 'object' &&
      typeof body.error?.message === 'string' &&
      body.response === undefined
    ) {
      return JSON.stringify({ ...body, response: { statusCode } });
    }
  } catch {
    // Not JSON: ResponseError reports the text as it is.
  }
  return text;
}
