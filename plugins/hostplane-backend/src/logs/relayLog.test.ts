import { Readable, Writable } from 'node:stream';
import { parseTimestampedLine, relayLog } from './relayLog';

/** A log that never ends: a line each time it is read, counting the bytes it produced. */
function endlessLog() {
  let produced = 0;
  let n = 0;
  const source = new Readable({
    read() {
      const line = `2026-12-08T10:15:00.000000001Z I1208 line ${n++} Authorization: Bearer t0ken\n`;
      produced += line.length;
      this.push(line);
    },
  });
  return { source, produced: () => produced };
}

describe('relayLog', () => {
  it('sends each line as a redacted server-sent event, with its time', async () => {
    const source = Readable.from([
      '2026-12-08T10:15:00.123456789Z first password=hunter2\n2026-12-08T10:15:01Z sec',
      'ond\nno timestamp',
    ]);
    const events: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        events.push(chunk.toString());
        done();
      },
    });

    await expect(relayLog(source, sink)).resolves.toEqual({ lines: 3 });
    expect(events).toEqual([
      'event: line\ndata: {"time":"2026-12-08T10:15:00.123456789Z","text":"first password=[REDACTED]"}\n\n',
      'event: line\ndata: {"time":"2026-12-08T10:15:01Z","text":"second"}\n\n',
      'event: line\ndata: {"text":"no timestamp"}\n\n',
    ]);
  });

  it('stops reading the hub while the reader does not read: the buffer stays bounded', async () => {
    const { source, produced } = endlessLog();
    // A reader that takes the first writes and then stalls, as a browser tab in the background.
    let accepted = 0;
    const sink = new Writable({
      highWaterMark: 16 * 1024,
      write(_chunk, _encoding, done) {
        accepted += 1;
        if (accepted < 100) done();
      },
    });

    const relayed = relayLog(source, sink);
    await new Promise(resolve => setTimeout(resolve, 300));
    const afterStall = produced();
    await new Promise(resolve => setTimeout(resolve, 300));

    // Nothing more is read once the sink is full, and what was read is a few buffers' worth.
    expect(produced()).toBe(afterStall);
    expect(afterStall).toBeLessThan(256 * 1024);
    sink.destroy();
    await relayed;
    expect(source.destroyed).toBe(true);
  });

  it('ends when the reader goes away, and releases the hub stream', async () => {
    const { source } = endlessLog();
    const sink = new Writable({
      write(_chunk, _encoding, done) {
        setTimeout(done, 1);
      },
    });
    const relayed = relayLog(source, sink);
    setTimeout(() => sink.destroy(), 50);

    await relayed;
    expect(source.destroyed).toBe(true);
  });
});

describe('parseTimestampedLine', () => {
  it('splits the API server timestamp from the text', () => {
    expect(parseTimestampedLine('2026-12-08T10:15:00Z  two spaces')).toEqual({
      time: '2026-12-08T10:15:00Z',
      text: ' two spaces',
    });
    expect(parseTimestampedLine('plain')).toEqual({ text: 'plain' });
  });
});
