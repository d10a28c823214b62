/**
 * Reading a followed log as it arrives, on both sides of the live path's comparison: Hostplane's
 * server-sent events and the hub's own `pods/log` stream. Each line is handed over with the time
 * it was read.
 */
import http from 'node:http';
import https from 'node:https';

export interface FollowedStream {
  /** Resolves with when a line containing `text` was read; fails after `timeoutMs`. */
  waitFor(text: string, timeoutMs: number): Promise<number>;
  close(): void;
}

/**
 * Follows `url` with a GET, `split` cutting what it sends into lines (and keeping the unfinished
 * rest); every line is kept with the `performance.now()` it was read at. Returns at once: a
 * followed pod log with no new line yet may not answer until its first one.
 */
export function follow(
  url: URL,
  options: https.RequestOptions,
  split: (buffer: string) => { lines: string[]; rest: string },
): FollowedStream {
  const seen: Array<{ text: string; at: number }> = [];
  let failure: Error | undefined;
  const transport = url.protocol === 'https:' ? https : http;
  const request = transport.get(url, options, response => {
    if (response.statusCode !== 200) {
      let body = '';
      response.on('data', chunk => (body += chunk));
      response.on('end', () => {
        failure = new Error(`${url.pathname}: ${response.statusCode} ${body}`);
      });
      return;
    }
    response.setEncoding('utf8');
    let buffer = '';
    response.on('data', (chunk: string) => {
      const at = performance.now();
      buffer += chunk;
      const { lines, rest } = split(buffer);
      buffer = rest;
      for (const text of lines) seen.push({ text, at });
    });
    response.on('error', () => {});
  });
  request.on('error', error => {
    failure ??= error;
  });
  return {
    async waitFor(text, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        if (failure) throw failure;
        const found = seen.find(line => line.text.includes(text));
        if (found) return found.at;
        if (performance.now() > deadline) {
          throw new Error(
            `${url.pathname}: no line with ${text} within ${timeoutMs} ms`,
          );
        }
        await new Promise(r => setTimeout(r, 5));
      }
    },
    close: () => request.destroy(),
  };
}

/** Plain lines, as the hub's `pods/log` sends them. */
export function splitLines(buffer: string) {
  const lines = buffer.split('\n');
  return { rest: lines.pop() ?? '', lines };
}

/** The `line` events of a server-sent event stream, each event's text. */
export function splitServerSentLines(buffer: string) {
  const events = buffer.split('\n\n');
  const rest = events.pop() ?? '';
  const lines = events.flatMap(event => {
    if (!/^event: line$/m.test(event)) return [];
    const data = /^data: (.*)$/m.exec(event)?.[1];
    return data ? [JSON.parse(data).text as string] : [];
  });
  return { rest, lines };
}
