import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ResponseError, ServiceUnavailableError } from '@backstage/errors';
import { HostplaneClient, UNAVAILABLE_RETRIES } from './HostplaneClient';

/*
 * How requests are shaped and how answers the real Hostplane backend never gives (a proxy's error
 * page, no answer at all) become task errors. A stand-in server is enough for that; the API's own
 * refusals are tested against the real backend in module.test.ts.
 */
describe('HostplaneClient', () => {
  let server: Server;
  let baseUrl: string;
  let handle: (req: IncomingMessage, body: string, res: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => handle(req, body, res));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/hostplane`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  const taskLog = mockServices.logger.mock();
  const client = (url = baseUrl) =>
    new HostplaneClient({
      discovery: mockServices.discovery.mock({ getBaseUrl: async () => url }),
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
      credentials: mockCredentials.user('user:default/alice'),
      logger: taskLog,
    });

  /** A 503 as Backstage's error handler writes it, with Hostplane's Retry-After. */
  const refuseForNow = (res: ServerResponse, reason: string) => {
    res.writeHead(503, {
      'Content-Type': 'application/json',
      'Retry-After': '0',
    });
    res.end(
      JSON.stringify({
        error: { name: 'ServiceUnavailableError', message: reason },
        request: { method: 'POST', url: '/api/hostplane/clusters' },
        response: { statusCode: 503 },
      }),
    );
  };
  /** Answers every request with `respond`, and counts them. */
  const answerAll = (respond: (res: ServerResponse) => void) => {
    const requests = { count: 0 };
    handle = (_req, _body, res) => {
      requests.count += 1;
      respond(res);
    };
    return requests;
  };
  const reason = `Hub 'edge' has not been listed since the backend started, so no cluster can be created on it yet; try again once the hub answers`;
  const spec = {
    name: 'shop',
    owner: 'group:default/team-a',
    hub: 'edge',
    version: 'v1.37.2',
    nodePools: [
      { name: 'workers', replicas: 2, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
    ],
  };

  it("sends the change as JSON, with a token for Hostplane on the initiator's behalf", async () => {
    let seen: {
      method?: string;
      url?: string;
      headers?: object;
      body?: string;
    } = {};
    handle = (req, body, res) => {
      seen = { method: req.method, url: req.url, headers: req.headers, body };
      res.writeHead(202, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: 'op-1' }));
    };
    await expect(
      client().changeCluster('local', 'shop', {
        action: 'scale',
        pool: 'workers',
        replicas: 3,
      }),
    ).resolves.toEqual({ id: 'op-1' });
    expect(seen).toMatchObject({
      method: 'PATCH',
      url: '/api/hostplane/clusters/local/shop',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${mockCredentials.service.token({
          onBehalfOf: mockCredentials.user('user:default/alice'),
          targetPluginId: 'hostplane',
        })}`,
      },
    });
    expect(JSON.parse(seen.body!)).toEqual({
      action: 'scale',
      pool: 'workers',
      replicas: 3,
    });
  });

  it("reports a proxy's error page by its status, cut short", async () => {
    handle = (_req, _body, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end(`<html>${'bad gateway '.repeat(100)}</html>`);
    };
    const error = await client()
      .getOperation('op-1')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(502);
    expect(error.message).toMatch(
      /^Could not show operation op-1: Request failed with status 502 Bad Gateway, <html>bad gateway .*… \(Hostplane answered 502\)$/,
    );
    expect(error.message.length).toBeLessThan(600);
  });

  it('keeps a dry run refused for now unavailable, with the reason, and does not ask again', async () => {
    const asked = answerAll(res => refuseForNow(res, reason));
    const error = await client()
      .planCluster(spec)
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `Could not create cluster 'shop' on hub 'edge' (dry run): ${reason} (Hostplane answered 503)`,
    );
    expect(asked.count).toBe(1);
  });

  it('sends a create refused for now again, saying so in the task log, until it is accepted', async () => {
    taskLog.warn.mockClear();
    let asked = 0;
    handle = (_req, _body, res) => {
      asked += 1;
      if (asked <= 2) {
        refuseForNow(res, reason);
        return;
      }
      res.writeHead(202, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: 'op-2' }));
    };
    await expect(client().createCluster(spec)).resolves.toEqual({
      id: 'op-2',
    });
    expect(asked).toBe(3);
    expect(taskLog.warn.mock.calls.map(([message]) => message)).toEqual([
      `Could not create cluster 'shop' on hub 'edge': ${reason} (Hostplane answered 503); trying again in 0 s (retry 1 of ${UNAVAILABLE_RETRIES})`,
      `Could not create cluster 'shop' on hub 'edge': ${reason} (Hostplane answered 503); trying again in 0 s (retry 2 of ${UNAVAILABLE_RETRIES})`,
    ]);
  });

  it('gives up on a delete refused for now after its last retry, with the refusal', async () => {
    const asked = answerAll(res => refuseForNow(res, reason));
    const error = await client()
      .deleteCluster('edge', 'shop')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(503);
    expect(error.message).toBe(
      `Could not delete cluster 'shop' on hub 'edge': ${reason} (Hostplane answered 503)`,
    );
    expect(asked.count).toBe(UNAVAILABLE_RETRIES + 1);
  });

  it('does not send a change again that was refused for good', async () => {
    const asked = answerAll(res => {
      res.writeHead(409, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            name: 'ConflictError',
            message: 'operation op-1 is running',
          },
          response: { statusCode: 409 },
        }),
      );
    });
    const error = await client()
      .changeCluster('local', 'shop', { action: 'hibernate' })
      .catch(e => e);
    expect(error.statusCode).toBe(409);
    expect(asked.count).toBe(1);
  });

  it('reports an API that does not answer as unavailable', async () => {
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise(resolve => closed.close(resolve));
    const error = await client(`http://127.0.0.1:${port}/api/hostplane`)
      .getOperation('op-1')
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `Could not reach Hostplane to show operation op-1: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
