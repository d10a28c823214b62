import http, { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { EtcdRequestError, EtcdUnreachableError } from './errors';

/** Opens a fresh connection to one etcd member's client port (plain, or TLS over it). */
export type ConnectToMember = () => Promise<Duplex>;

/** An answer of etcd's gateway is a few kilobytes; a member list or alarm list far under this. */
const MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * One etcd member's v3 JSON gateway (`POST /v3/...`, JSON in and out, int64 as strings), one
 * connection per request: each request opens its connection, and the connection closes with its
 * answer.
 */
export class EtcdGateway {
  constructor(
    private readonly connect: ConnectToMember,
    /** Names the member in errors: `pod <namespace>/<pod>`. */
    readonly describe: string,
  ) {}

  /** A unary call: its JSON answer, or EtcdRequestError with etcd's message. */
  async call<T = Record<string, unknown>>(
    route: string,
    body: object,
    { timeoutMs = 30_000 }: { timeoutMs?: number } = {},
  ): Promise<T> {
    const response = await this.request(route, body, timeoutMs);
    const text = await this.readAnswer(route, response);
    if (response.statusCode !== 200) {
      throw this.refusal(route, response.statusCode, text);
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new EtcdRequestError(
        `${this.describe}: ${route} answered with something that is not JSON`,
      );
    }
  }

  private async request(
    route: string,
    body: object,
    /** Until the response's head. */
    timeoutMs: number,
  ): Promise<IncomingMessage> {
    const socket = await this.connect();
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const request = http.request({
        createConnection: () => socket,
        // etcd checks the Host of plain HTTP requests against its --host-whitelist.
        host: 'localhost',
        method: 'POST',
        path: route,
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          connection: 'close',
        },
      });
      const timer = setTimeout(() => {
        request.destroy(
          new EtcdUnreachableError(
            `${this.describe}: ${route} had no answer within ${Math.round(
              timeoutMs / 1000,
            )} s`,
          ),
        );
      }, timeoutMs);
      request.on('response', response => {
        clearTimeout(timer);
        resolve(response);
      });
      request.on('error', error => {
        clearTimeout(timer);
        socket.destroy();
        reject(
          error instanceof EtcdUnreachableError
            ? error
            : new EtcdUnreachableError(
                `${this.describe}: ${route}: ${error.message}`,
              ),
        );
      });
      request.end(payload);
    });
  }

  private async readAnswer(
    route: string,
    response: IncomingMessage,
  ): Promise<string> {
    const chunks: Buffer[] = [];
    let length = 0;
    try {
      for await (const chunk of response) {
        length += chunk.length;
        if (length > MAX_ANSWER_BYTES) {
          response.destroy();
          throw new EtcdRequestError(
            `${this.describe}: ${route} answered more than ${MAX_ANSWER_BYTES} bytes`,
          );
        }
        chunks.push(chunk);
      }
    } catch (error) {
      if (error instanceof EtcdRequestError) throw error;
      throw new EtcdUnreachableError(
        `${this.describe}: ${route}: the answer was cut: ${
          (error as Error).message
        }`,
      );
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** etcd's gateway answers an error as `{"error": "...", "message": "...", "code": <gRPC code>}`. */
  private refusal(
    route: string,
    status: number | undefined,
    text: string,
  ): EtcdRequestError {
    let message = text.trim().slice(0, 500);
    let code: number | undefined;
    try {
      const parsed = JSON.parse(text);
      message = parsed.message ?? parsed.error ?? message;
      code = typeof parsed.code === 'number' ? parsed.code : undefined;
    } catch {
      // Not JSON: a proxy's or etcd's plain-text answer, kept as it is.
    }
    return new EtcdRequestError(
      `${this.describe}: ${route} answered ${status}: ${message}`,
      code,
    );
  }
}
