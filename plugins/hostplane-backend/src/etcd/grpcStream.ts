import http2, { ClientHttp2Stream } from 'node:http2';
import { Duplex } from 'node:stream';
import { EtcdRequestError, EtcdUnreachableError } from './errors';

/**
 * How much of a response may be in flight unread, per stream and per connection: HTTP/2's flow
 * control holds etcd back beyond it, so it bounds memory; large enough that a port-forward's
 * round trip does not limit the rate (64 KiB, HTTP/2's default, does).
 */
const WINDOW_BYTES = 4 * 1024 * 1024;

/** How long a closing connection may take to send its last frames before it is cut. */
const CLOSE_GRACE_MS = 5_000;

/** gRPC's framing of one uncompressed message: flag 0, length (u32 BE), the message. */
function grpcFrame(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/**
 * Starts a server-streaming gRPC call (`method`, as `/etcdserverpb.Maintenance/Snapshot`) on a
 * connection of its own to an etcd member (plain, or TLS that agreed on `h2`), and resolves with
 * its response stream once etcd has answered: the messages' bytes, still gRPC-framed. The stream
 * fails with EtcdRequestError when etcd ends the call with an error status, and the connection
 * closes with the stream, whether it ends, fails or is destroyed.
 */
export function grpcServerStream(
  socket: Duplex,
  {
    method,
    request,
    describe,
  }: { method: string; request: Buffer; describe: string },
): Promise<ClientHttp2Stream> {
  const encrypted = (socket as { encrypted?: boolean }).encrypted === true;
  const session = http2.connect(
    encrypted ? 'https://localhost' : 'http://localhost',
    {
      createConnection: () => socket,
      settings: { initialWindowSize: WINDOW_BYTES },
    },
  );
  const statusError = (status: string, message: string | undefined) => {
    let text = `gRPC status ${status}`;
    try {
      // gRPC percent-encodes its status message.
      if (message) text = decodeURIComponent(message);
    } catch {
      text = message!;
    }
    return new EtcdRequestError(
      `${describe}: ${method} failed: ${text}`,
      Number(status),
    );
  };
  // Closing tells etcd to end the call and the connection (RST_STREAM, then GOAWAY) before the
  // socket goes: the hub's port-forward does not close etcd's side of a connection etcd is waiting
  // to send on, so without them etcd would hold the snapshot (and a defragmentation behind it)
  // open. Node does not destroy a socket it wraps that is not its own, so it is destroyed here.
  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    session.close(() => socket.destroy());
    setTimeout(() => {
      session.destroy();
      socket.destroy();
    }, CLOSE_GRACE_MS).unref();
  };
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      close();
      reject(
        error instanceof EtcdRequestError ||
          error instanceof EtcdUnreachableError
          ? error
          : new EtcdUnreachableError(
              `${describe}: ${method}: ${error.message}`,
            ),
      );
    };
    session.on('error', fail);
    session.once('connect', () => session.setLocalWindowSize(WINDOW_BYTES));
    const stream = session.request({
      ':method': 'POST',
      ':path': method,
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    stream.on('error', fail);
    stream.once('response', headers => {
      const status = headers['grpc-status'];
      if (headers[':status'] !== 200) {
        fail(
          new EtcdRequestError(
            `${describe}: ${method} answered HTTP ${headers[':status']}`,
          ),
        );
      } else if (status !== undefined && status !== '0') {
        // A call refused at once answers with its status in the headers, and nothing else.
        fail(statusError(String(status), headers['grpc-message'] as string));
      } else {
        // `fail` stays on: an error before the caller listens is handled (the session closes).
        resolve(stream);
      }
    });
    stream.on('trailers', trailers => {
      const status = trailers['grpc-status'];
      if (status !== undefined && status !== '0') {
        stream.destroy(
          statusError(String(status), trailers['grpc-message'] as string),
        );
      }
    });
    stream.on('close', () => {
      close();
      // Nothing when it already answered; otherwise, the call ended without an answer.
      reject(
        new EtcdUnreachableError(
          `${describe}: ${method}: the connection closed before etcd answered`,
        ),
      );
    });
    stream.end(grpcFrame(request));
  });
}
