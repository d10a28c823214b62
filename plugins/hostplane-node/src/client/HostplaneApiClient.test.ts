import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  InputError,
  ResponseError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { HostplaneApiClient, UNAVAILABLE_RETRIES } from './HostplaneApiClient';

/** Credentials whose principal the fake auth service writes into the token it hands out. */
function credentialsOf(principal: object): BackstageCredentials {
  return { $$type: '@backstage/BackstageCredentials', principal };
}
const alice = credentialsOf({
  type: 'user',
  userEntityRef: 'user:default/alice',
});
const ownService = credentialsOf({
  type: 'service',
  subject: 'plugin:catalog',
});
const auth = {
  getOwnServiceCredentials: async () => ownService,
  getPluginRequestToken: async (options: {
    onBehalfOf: BackstageCredentials;
    targetPluginId: string;
  }) => ({
    token: `${JSON.stringify(options.onBehalfOf.principal)} for ${
      options.targetPluginId
    }`,
  }),
} as unknown as AuthService;
const tokenFor = (credentials: BackstageCredentials) =>
  `${JSON.stringify(credentials.principal)} for hostplane`;

/*
 * How requests are shaped and how answers the real Hostplane backend never gives (a proxy's error
 * page, no answer at all) become errors. A stand-in server is enough for that; the API's own
 * refusals are tested against the real backend in the scaffolder module's module.test.ts.
 */
describe('HostplaneApiClient', () => {
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

  const taskLog = { warn: jest.fn() } as unknown as jest.Mocked<LoggerService>;
  const client = (url = baseUrl) =>
    new HostplaneApiClient({
      discovery: { getBaseUrl: async () => url } as unknown as DiscoveryService,
      auth,
    });
  const asAlice = { credentials: alice, logger: taskLog };

  const answerJson = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  /** A 503 as Backstage's error handler writes it, with Hostplane's Retry-After. */
  const refuseForNow = (
    res: ServerResponse,
    reason: string,
    retryAfter = 0,
  ) => {
    res.writeHead(503, {
      'Content-Type': 'application/json',
      'Retry-After': String(retryAfter),
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

  it("sends a change as JSON, with a token for Hostplane on the caller's behalf", async () => {
    let seen: {
      method?: string;
      url?: string;
      headers?: object;
      body?: string;
    } = {};
    handle = (req, body, res) => {
      seen = { method: req.method, url: req.url, headers: req.headers, body };
      answerJson(res, 202, { id: 'op-1' });
    };
    await expect(
      client().changeCluster(
        'local',
        'shop',
        { action: 'scale', pool: 'workers', replicas: 3 },
        asAlice,
      ),
    ).resolves.toEqual({ id: 'op-1' });
    expect(seen).toMatchObject({
      method: 'PATCH',
      url: '/api/hostplane/clusters/local/shop',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokenFor(alice)}`,
      },
    });
    expect(JSON.parse(seen.body!)).toEqual({
      action: 'scale',
      pool: 'workers',
      replicas: 3,
    });
  });

  it("calls with the plugin's own service credentials when told of no one else", async () => {
    let seen: { url?: string; headers?: object } = {};
    handle = (req, _body, res) => {
      seen = { url: req.url, headers: req.headers };
      answerJson(res, 200, {
        items: [],
        totalCount: 0,
        phaseCounts: {},
        incompleteHubs: [],
      });
    };
    await client().listClusters({ offset: 500, limit: 500, sort: 'name' });
    expect(seen).toEqual({
      url: '/api/hostplane/clusters?offset=500&limit=500&sort=name',
      headers: expect.objectContaining({
        authorization: `Bearer ${tokenFor(ownService)}`,
      }),
    });
  });

  it.each<[string, (c: HostplaneApiClient) => Promise<unknown>, string]>([
    ['GET /hubs', c => c.listHubs(), 'list hubs'],
    [
      'GET /hubs/edge%2F1/versions',
      c => c.listHubVersions('edge/1'),
      "list the versions of hub 'edge/1'",
    ],
    [
      'GET /clusters?owner=group%3Adefault%2Fteam-a&limit=10',
      c =>
        c.listClusters({
          owner: 'group:default/team-a',
          phase: undefined,
          limit: 10,
        }),
      'list clusters',
    ],
    [
      'GET /clusters/local/shop',
      c => c.getCluster('local', 'shop'),
      "show cluster 'shop' on hub 'local'",
    ],
    [
      'POST /clusters',
      c => c.createCluster(spec),
      "create cluster 'shop' on hub 'edge'",
    ],
    [
      'POST /clusters?dryRun=true',
      c => c.planCluster(spec),
      "create cluster 'shop' on hub 'edge' (dry run)",
    ],
    [
      'PATCH /clusters/local/shop',
      c => c.changeCluster('local', 'shop', { action: 'hibernate' }),
      "hibernate cluster 'shop' on hub 'local'",
    ],
    [
      'PATCH /clusters/local/shop?dryRun=true',
      c => c.planChange('local', 'shop', { action: 'hibernate' }),
      "hibernate cluster 'shop' on hub 'local' (dry run)",
    ],
    [
      'DELETE /clusters/local/shop',
      c => c.deleteCluster('local', 'shop'),
      "delete cluster 'shop' on hub 'local'",
    ],
    [
      'DELETE /clusters/local/shop?dryRun=true',
      c => c.planDeletion('local', 'shop'),
      "delete cluster 'shop' on hub 'local' (dry run)",
    ],
    [
      'GET /operations/op-1',
      c => c.getOperation('op-1'),
      'show operation op-1',
    ],
    [
      'POST /operations/op-1/retry',
      c => c.retryOperation('op-1'),
      'retry operation op-1',
    ],
    [
      'GET /clusters/local/shop/kubeconfig-issuances',
      c => c.listKubeconfigIssuances('local', 'shop'),
      "list the kubeconfigs issued for cluster 'shop' on hub 'local'",
    ],
    [
      'POST /clusters/local/shop/service-credentials',
      c => c.issueServiceCredential('local', 'shop'),
      "issue a service credential for cluster 'shop' on hub 'local'",
    ],
  ])(
    'calls %s, and says what it asked when refused',
    async (route, call, what) => {
      const asked: string[] = [];
      handle = (req, _body, res) => {
        asked.push(`${req.method} ${req.url!.replace('/api/hostplane', '')}`);
        answerJson(res, 404, {
          error: { name: 'NotFoundError', message: 'no such thing' },
          response: { statusCode: 404 },
        });
      };
      const error = (await call(client()).catch(e => e)) as Error;
      expect(asked).toEqual([route]);
      expect(error.message).toBe(
        `Could not ${what}: no such thing (Hostplane answered 404)`,
      );
    },
  );

  it('reports bad input with every field issue and its path, and a dry run as bad input', async () => {
    answerAll(res =>
      answerJson(res, 400, {
        error: { name: 'InputError', message: 'spec is not valid' },
        response: { statusCode: 400 },
        issues: [
          { path: ['nodePools', 0, 'replicas'], message: 'at most 100' },
          { path: [], message: 'the hub offers no such version' },
        ],
      }),
    );
    const expected = `Could not create cluster 'shop' on hub 'edge': nodePools.0.replicas: at most 100; the hub offers no such version (Hostplane answered 400)`;
    const submitted = await client()
      .createCluster(spec, asAlice)
      .catch(e => e);
    expect(submitted).toBeInstanceOf(ResponseError);
    expect(submitted.statusCode).toBe(400);
    expect(submitted.message).toBe(expected);
    expect(submitted.stack.split('\n')[0]).toBe(`ResponseError: ${expected}`);
    const planned = await client()
      .planCluster(spec, asAlice)
      .catch(e => e);
    expect(planned).toBeInstanceOf(InputError);
    expect(planned.message).toBe(
      expected.replace("'edge':", "'edge' (dry run):"),
    );
  });

  it("reports a proxy's error page by its status, cut short", async () => {
    handle = (_req, _body, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end(`<html>${'bad gateway '.repeat(100)}</html>`);
    };
    const error = await client()
      .getOperation('op-1', asAlice)
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
      .planCluster(spec, asAlice)
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `Could not create cluster 'shop' on hub 'edge' (dry run): ${reason} (Hostplane answered 503)`,
    );
    expect(asked.count).toBe(1);
  });

  it('sends a create refused for now again, saying so in the given log, until it is accepted', async () => {
    taskLog.warn.mockClear();
    let asked = 0;
    handle = (_req, _body, res) => {
      asked += 1;
      if (asked <= 2) {
        refuseForNow(res, reason);
        return;
      }
      answerJson(res, 202, { id: 'op-2' });
    };
    await expect(client().createCluster(spec, asAlice)).resolves.toEqual({
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
      .deleteCluster('edge', 'shop', asAlice)
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(503);
    expect(error.message).toBe(
      `Could not delete cluster 'shop' on hub 'edge': ${reason} (Hostplane answered 503)`,
    );
    expect(asked.count).toBe(UNAVAILABLE_RETRIES + 1);
  });

  it('stops waiting to send again when the caller aborts', async () => {
    const asked = answerAll(res => refuseForNow(res, reason, 30));
    const controller = new AbortController();
    const deleting = client()
      .deleteCluster('edge', 'shop', { ...asAlice, signal: controller.signal })
      .catch(e => e);
    await new Promise(resolve => setTimeout(resolve, 200));
    controller.abort();
    expect((await deleting).name).toBe('AbortError');
    expect(asked.count).toBe(1);
  });

  it('does not send a change again that was refused for good', async () => {
    const asked = answerAll(res =>
      answerJson(res, 409, {
        error: { name: 'ConflictError', message: 'operation op-1 is running' },
        response: { statusCode: 409 },
      }),
    );
    const error = await client()
      .changeCluster('local', 'shop', { action: 'hibernate' }, asAlice)
      .catch(e => e);
    expect(error.statusCode).toBe(409);
    expect(asked.count).toBe(1);
  });

  it('refuses a service credential that is not one', async () => {
    answerAll(res => answerJson(res, 200, { cert: 'PEM' }));
    await expect(
      client().issueServiceCredential('local', 'shop'),
    ).rejects.toThrow(/key/);
  });

  it('reports an API that does not answer as unavailable', async () => {
    const closed = createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise(resolve => closed.close(resolve));
    const error = await client(`http://127.0.0.1:${port}/api/hostplane`)
      .getOperation('op-1', asAlice)
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe(
      `Could not reach Hostplane to show operation op-1: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
