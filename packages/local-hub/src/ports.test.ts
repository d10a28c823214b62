import net from 'node:net';
import {
  keptPort,
  portBelowEphemeralRange,
  portFree,
  portHolder,
  readEphemeralRange,
} from './ports';

describe('portBelowEphemeralRange', () => {
  it.each([
    ['32768\t60999\n', 0, 10_000],
    ['32768\t60999\n', 0.999999, 32_767],
    ['49152 65535', 0.5, 29_576],
  ])('picks from 10000 up to the range in %j (random %p)', (range, r, port) => {
    expect(portBelowEphemeralRange(range, () => r)).toBe(port);
  });

  it.each([[undefined], [''], ['1024 65535'], ['10000 60999']])(
    'picks none when nothing lies below the range (%j)',
    range => {
      expect(portBelowEphemeralRange(range, () => 0.5)).toBeUndefined();
    },
  );
});

/** A loopback port this process listens on until `release`. */
async function holdSomePort() {
  const server = net.createServer();
  await new Promise<void>(resolve =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as net.AddressInfo;
  const release = () =>
    new Promise<void>((resolve, reject) =>
      server.close(error => (error ? reject(error) : resolve())),
    );
  return { port, release };
}

describe('portFree', () => {
  it('tells a held port from a free one', async () => {
    const { port, release } = await holdSomePort();
    expect(await portFree(port)).toBe(false);
    await release();
    expect(await portFree(port)).toBe(true);
  });
});

describe('portHolder', () => {
  it('names the process that listens on a port, and none for a free port', async () => {
    const { port, release } = await holdSomePort();
    expect(portHolder(port)).toMatch(
      new RegExp(`^pid ${process.pid} \\(.+\\)$`),
    );
    await release();
    expect(portHolder(port)).toBeUndefined();
  });
});

describe('keptPort', () => {
  it('gives a free port below the ephemeral range, so no outgoing connection takes it', async () => {
    const [ephemeralFrom] = readEphemeralRange()!
      .trim()
      .split(/\s+/)
      .map(Number);
    const port = await keptPort();
    expect(port).toBeGreaterThanOrEqual(10_000);
    expect(port).toBeLessThan(ephemeralFrom);
    expect(await portFree(port)).toBe(true);
  });
});
