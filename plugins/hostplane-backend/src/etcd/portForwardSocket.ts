import { Duplex, PassThrough, Writable } from 'node:stream';
import { KubeConfig, PortForward } from '@kubernetes/client-node';
import { EtcdUnreachableError } from './errors';

/** The WebSocket the client's PortForward opens (the `ws` package's). */
type PortForwardWebSocket = Exclude<
  Awaited<ReturnType<PortForward['portForward']>>,
  (...args: never[]) => unknown
>;

/** How long a closing WebSocket waits for the hub's answer before it is cut. */
const CLOSE_GRACE_MS = 2_000;

/** A pod's port, reached through the hub API. */
export interface PodPort {
  namespace: string;
  pod: string;
  port: number;
}

/**
 * One TCP connection to a pod's port through the hub API's port-forward (one WebSocket, as
 * `kubectl port-forward` opens one stream per connection), as a Duplex a client (HTTP, TLS) can
 * use as its socket. What the pod sends is pushed as it comes; when the reader stops taking it,
 * the WebSocket's socket is paused, so the pause reaches the pod through the hub, and resumed when
 * the reader reads again. Ending or destroying it closes the WebSocket.
 */
class PortForwardSocket extends Duplex {
  /** What this socket writes, which the client's PortForward sends to the pod. */
  readonly toPod = new PassThrough();
  /** What the client's PortForward received from the pod. */
  readonly fromPod: Writable;
  /** The port-forward's error channel: the hub or the kubelet saying why the port is not there. */
  readonly errorsFromPod: Writable;
  private webSocket?: PortForwardWebSocket;

  constructor(private readonly describe: string) {
    super();
    this.fromPod = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        if (!this.destroyed && !this.push(chunk)) this.webSocket?.pause();
        callback();
      },
    });
    this.errorsFromPod = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        const message = chunk.toString('utf8').trim();
        if (message) {
          this.destroy(
            new EtcdUnreachableError(`port-forward to ${describe}: ${message}`),
          );
        }
        callback();
      },
    });
  }

  attach(webSocket: PortForwardWebSocket): void {
    this.webSocket = webSocket;
    webSocket.on('close', () => {
      if (!this.destroyed) this.push(null);
    });
    webSocket.on('error', error => {
      this.destroy(
        new EtcdUnreachableError(
          `port-forward to ${this.describe}: ${error.message}`,
        ),
      );
    });
  }

  override _read(): void {
    this.webSocket?.resume();
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.toPod.write(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    // The client's PortForward closes the WebSocket when its input ends.
    this.toPod.end();
    callback();
  }

  override _destroy(
    error: Error | null,
    callback: (error?: Error | null) => void,
  ): void {
    this.toPod.end();
    // Closed after what was written is sent (a last frame may tell the pod's side to stop), and
    // cut if the hub does not answer the close soon.
    const webSocket = this.webSocket;
    webSocket?.close();
    setTimeout(() => webSocket?.terminate(), CLOSE_GRACE_MS).unref();
    callback(error);
  }

  // What an HTTP agent or a TLS socket may call on a net.Socket; a WebSocket has no such options.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/** Opens a connection to a pod's port through the hub; it fails with EtcdUnreachableError. */
export async function openPortForwardSocket(
  kubeConfig: KubeConfig,
  target: PodPort,
): Promise<Duplex> {
  const describe = `${target.namespace}/${target.pod}:${target.port}`;
  const socket = new PortForwardSocket(describe);
  let opened;
  try {
    opened = await new PortForward(kubeConfig).portForward(
      target.namespace,
      target.pod,
      [target.port],
      socket.fromPod,
      socket.errorsFromPod,
      socket.toPod,
    );
  } catch (error) {
    socket.destroy();
    throw new EtcdUnreachableError(
      `port-forward to ${describe}: ${(error as Error).message ?? error}`,
    );
  }
  if (typeof opened === 'function') {
    throw new Error(
      'a restartable port-forward was opened, which is never asked for',
    );
  }
  socket.attach(opened);
  return socket;
}
