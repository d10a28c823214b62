import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { LogLine } from '@hostplane/plugin-hostplane-common';
import { LineRedactor } from './redact';

/** A line longer than this is cut: one endless line must not grow the buffer without bound. */
export const MAX_LINE_BYTES = 64 * 1024;

/** `2026-12-08T10:15:00.123456789Z text`: the API server's `timestamps=true` prefix. */
const TIMESTAMPED =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (.*)$/s;

/** A pod log line as the API server sends it with timestamps, split into its time and text. */
export function parseTimestampedLine(line: string): LogLine {
  const match = TIMESTAMPED.exec(line);
  return match ? { time: match[1], text: match[2] } : { text: line };
}

/** One server-sent event. */
export function serverSentEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Relays a pod log from the hub to a client as server-sent `line` events, each line redacted.
 * Back-pressure: the source is read only while the sink accepts writes; when the sink's buffer is
 * full, the relay waits for it to drain, so a slow reader leaves the hub's bytes in the socket
 * (TCP pauses the hub) and the backend holds at most the source's and the sink's high-water
 * marks plus one line. Ends when the source ends or errors, or the sink closes.
 */
export async function relayLog(
  source: Readable,
  sink: Writable,
): Promise<{ lines: number }> {
  const redactor = new LineRedactor();
  let partial = '';
  let lines = 0;
  const sinkClosed = new Promise<void>(resolve => {
    if (sink.destroyed) resolve();
    sink.once('close', resolve);
  });
  const write = async (raw: string) => {
    const line = parseTimestampedLine(raw.replace(/\r$/, ''));
    lines += 1;
    const event = serverSentEvent('line', {
      ...line,
      text: redactor.redact(line.text),
    });
    if (!sink.write(event)) {
      await Promise.race([once(sink, 'drain'), sinkClosed]);
    }
  };
  source.setEncoding('utf8');
  try {
    for await (const chunk of source as AsyncIterable<string>) {
      if (sink.destroyed) break;
      partial += chunk;
      let newline = partial.indexOf('\n');
      while (newline >= 0 && !sink.destroyed) {
        await write(partial.slice(0, newline));
        partial = partial.slice(newline + 1);
        newline = partial.indexOf('\n');
      }
      if (Buffer.byteLength(partial) > MAX_LINE_BYTES) {
        await write(
          `${Buffer.from(partial).subarray(0, MAX_LINE_BYTES).toString()}…`,
        );
        partial = '';
      }
    }
    if (partial && !sink.destroyed) await write(partial);
  } finally {
    source.destroy();
  }
  return { lines };
}
