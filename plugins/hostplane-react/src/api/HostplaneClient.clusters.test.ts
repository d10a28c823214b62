import { ResponseError } from '@backstage/errors';
import { HostplaneClient } from './HostplaneClient';

function clientAnswering(status: number, body: unknown) {
  const fetch = jest.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
  );
  const client = new HostplaneClient({
    discoveryApi: { getBaseUrl: async () => 'http://backstage/api/hostplane' },
    fetchApi: { fetch: fetch as typeof globalThis.fetch },
  });
  return { client, fetch };
}

describe('HostplaneClient (one cluster)', () => {
  it('sends a change as JSON to the cluster and answers with its operation', async () => {
    const { client, fetch } = clientAnswering(202, { id: 'op-1' });
    await expect(
      client.changeCluster('local', 'payments', {
        action: 'scale',
        pool: 'workers',
        replicas: 5,
      }),
    ).resolves.toEqual({ id: 'op-1' });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://backstage/api/hostplane/clusters/local/payments');
    expect(init?.method).toBe('PATCH');
    expect(JSON.parse(String(init?.body))).toEqual({
      action: 'scale',
      pool: 'workers',
      replicas: 5,
    });
  });

  it('asks for the right resources', async () => {
    const { client, fetch } = clientAnswering(200, {});
    await client.listOperations({
      hub: 'local',
      cluster: 'payments',
      limit: 10,
    });
    await client.getOperation('op/1');
    await client.issueKubeconfig('local', 'payments', { ttlHours: 4 });
    await client.listKubeconfigIssuances('local', 'payments');
    await client.listHubVersions('local');
    await client.deleteCluster('local', 'payments');
    expect(
      fetch.mock.calls.map(([url, init]) => [
        init?.method ?? 'GET',
        url.replace('http://backstage/api/hostplane', ''),
      ]),
    ).toEqual([
      ['GET', '/operations?hub=local&cluster=payments&limit=10'],
      ['GET', '/operations/op%2F1'],
      ['POST', '/clusters/local/payments/kubeconfig'],
      ['GET', '/clusters/local/payments/kubeconfig-issuances'],
      ['GET', '/hubs/local/versions'],
      ['DELETE', '/clusters/local/payments'],
    ]);
    expect(JSON.parse(String(fetch.mock.calls[2][1]?.body))).toEqual({
      ttlHours: 4,
    });
  });

  it('retries an operation by its id, with no body, and answers with it running again', async () => {
    const { client, fetch } = clientAnswering(202, {
      id: 'op/1',
      state: 'running',
    });
    await expect(client.retryOperation('op/1')).resolves.toEqual({
      id: 'op/1',
      state: 'running',
    });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://backstage/api/hostplane/operations/op%2F1/retry');
    expect(init?.method).toBe('POST');
    expect(init?.body).toBeUndefined();

    const conflict = clientAnswering(409, {
      error: {
        name: 'ConflictError',
        message: "Cluster 'payments' already has an operation running: op-2",
      },
      response: { statusCode: 409 },
    });
    const refused: ResponseError = await conflict.client
      .retryOperation('op-1')
      .catch(e => e);
    expect(refused.statusCode).toBe(409);
    expect(refused.cause.message).toBe(
      "Cluster 'payments' already has an operation running: op-2",
    );
  });

  it("throws a ResponseError whose cause is the server's message, also for validation refusals", async () => {
    const refused = clientAnswering(400, {
      error: {
        name: 'InputError',
        message:
          'version: upgrading from v1.36.4 to v1.38.1 skips a minor version',
      },
      issues: [{ path: ['version'], message: 'skips a minor version' }],
    });
    const error: ResponseError = await refused.client
      .changeCluster('local', 'payments', {
        action: 'upgrade',
        version: 'v1.38.1',
      })
      .catch(e => e);
    expect(error.name).toBe('ResponseError');
    expect(error.statusCode).toBe(400);
    expect(error.cause.message).toBe(
      'version: upgrading from v1.36.4 to v1.38.1 skips a minor version',
    );
    expect((error.body as any).issues).toHaveLength(1);

    const forbidden = clientAnswering(403, {
      error: { name: 'NotAllowedError', message: 'eve may not update' },
      request: { method: 'PATCH', url: '/clusters/local/payments' },
      response: { statusCode: 403 },
    });
    const denied: ResponseError = await forbidden.client
      .getCluster('local', 'payments')
      .catch(e => e);
    expect(denied.cause.message).toBe('eve may not update');
    expect(denied.cause.name).toBe('NotAllowedError');
  });
});
