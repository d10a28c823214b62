import { LiveLogEvent } from '@hostplane/plugin-hostplane-common';

/**
 * The events of a live log response (server-sent events), read only as fast as they are asked
 * for: a caller that stops pulling stops reading the response, and the backend, whose writes
 * then wait, stops reading the hub. Ends with the response or when `signal` aborts.
 */
export async function* liveLogEvents(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
): AsyncGenerator<LiveLogEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const cancel = () => {
    reader.cancel().catch(() => {});
  };
  signal.addEventListener('abort', cancel);
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const event = parseEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        if (event) yield event;
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    signal.removeEventListener('abort', cancel);
    cancel();
  }
}

/** One server-sent event's fields; comments (keep-alives) and unknown events are skipped. */
export function parseEvent(message: string): LiveLogEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of message.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return undefined;
  const parsed = JSON.parse(data.join('\n'));
  if (event === 'line') return { type: 'line', line: parsed };
  if (event === 'end') return { type: 'end' };
  if (event === 'error') return { type: 'error', message: parsed.message };
  return undefined;
}
