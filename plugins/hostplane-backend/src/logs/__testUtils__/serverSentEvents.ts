import { LogLine } from '@hostplane/plugin-hostplane-common';

/** A followed live log as a browser would read it: its lines as they arrive, and waits on them. */
export interface FollowedLog {
  lines: Array<LogLine & { receivedAt: number }>;
  /** `error` and `end` events, in order. */
  events: Array<{ event: string; data: unknown }>;
  /** Resolves with the first line that matches, failing after `timeoutMs`. */
  waitForLine(
    matches: (line: LogLine) => boolean,
    timeoutMs: number,
  ): Promise<LogLine & { receivedAt: number }>;
  close(): void;
}

/** Opens a live log stream (server-sent events) with the caller's Authorization header. */
export async function followLive(
  url: string,
  authorization: string,
): Promise<FollowedLog> {
  const controller = new AbortController();
  const response = await fetch(url, {
    headers: { Authorization: authorization, Accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (response.status !== 200) {
    throw new Error(
      `live log answered ${response.status}: ${await response.text()}`,
    );
  }
  const followed: FollowedLog = {
    lines: [],
    events: [],
    async waitForLine(matches, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = followed.lines.find(matches);
        if (found) return found;
        if (Date.now() > deadline) {
          throw new Error(
            `No matching line within ${timeoutMs} ms; last lines:\n${followed.lines
              .slice(-10)
              .map(l => l.text)
              .join('\n')}`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, 20));
      }
    },
    close: () => controller.abort(),
  };
  const reader = response.body!.pipeThrough(new TextDecoderStream());
  (async () => {
    let buffer = '';
    for await (const chunk of reader) {
      buffer += chunk;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const event = /^event: (.*)$/m.exec(message)?.[1];
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (!event || data === undefined) continue;
        const parsed = JSON.parse(data);
        if (event === 'line') {
          followed.lines.push({ ...parsed, receivedAt: Date.now() });
        } else {
          followed.events.push({ event, data: parsed });
        }
      }
    }
  })().catch(() => {
    // Aborted by close(), or the stream ended: the lines read so far stay.
  });
  return followed;
}
