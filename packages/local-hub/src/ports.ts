import fs from 'node:fs';
import net from 'node:net';

/** A port the kernel has just handed out on loopback, so it is free and unpredictable. */
export function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether nothing holds this loopback port: no listener, and no connection's local end. */
export function portFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Which process listens on this TCP port, as `pid N (command)`, from /proc; none where that
 * cannot be read (not Linux, or another user's process). For errors that name who holds a port.
 */
export function portHolder(port: number): string | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st ... inode: the address is hex `ip:port`, 0A is LISTEN.
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue;
      const localPort = parseInt(fields[1].split(':').pop()!, 16);
      if (localPort === port) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter(name => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        let command = '';
        try {
          command = fs
            .readFileSync(`/proc/${pid}/cmdline`, 'utf8')
            .split('\0')
            .filter(Boolean)
            .join(' ');
        } catch {
          // It exited just now; its pid still says who it was.
        }
        return `pid ${pid} (${command || 'exited'})`;
      }
    }
  }
  return undefined;
}

/** Kept ports start here, above the ports local services are usually given. */
const KEPT_PORTS_FROM = 10_000;

/**
 * A port between `KEPT_PORTS_FROM` and the first port of the kernel's ephemeral range, as
 * `random` picks it; none when the range is unknown or starts lower.
 */
export function portBelowEphemeralRange(
  ephemeralRange: string | undefined,
  random: () => number,
): number | undefined {
  const first = Number(ephemeralRange?.trim().split(/\s+/)[0]);
  if (!Number.isInteger(first) || first <= KEPT_PORTS_FROM) return undefined;
  return KEPT_PORTS_FROM + Math.floor(random() * (first - KEPT_PORTS_FROM));
}

/** Linux's ephemeral port range (`first last`), where it can be read. */
export function readEphemeralRange(): string | undefined {
  try {
    return fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A free loopback port for a component that starts again on the same port, as a hub's do when
 * the hub is kept between runs. It lies below the kernel's ephemeral range, which the kernel never
 * gives to an outgoing connection: with ephemeral ports, a connection's local end took the kept
 * scale hub's etcd port between two runs and etcd could not start again. Where the range is not
 * known, an ephemeral port.
 */
export async function keptPort(): Promise<number> {
  const range = readEphemeralRange();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = portBelowEphemeralRange(range, Math.random);
    if (port === undefined) break;
    if (await portFree(port)) return port;
  }
  return ephemeralPort();
}
