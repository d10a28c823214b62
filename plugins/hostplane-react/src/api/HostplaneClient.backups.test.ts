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

const requests = (fetch: ReturnType<typeof clientAnswering>['fetch']) =>
  fetch.mock.calls.map(([url, init]) => [
    init?.method ?? 'GET',
    url.replace('http://backstage/api/hostplane', ''),
  ]);

describe('HostplaneClient (backups and etcd)', () => {
  it("asks for a cluster's backups and its etcd members", async () => {
    const { client, fetch } = clientAnswering(200, { items: [] });
    await expect(client.listBackups('local', 'pay/ments')).resolves.toEqual({
      items: [],
    });
    await client.getEtcdHealth('local', 'payments');
    expect(requests(fetch)).toEqual([
      ['GET', '/clusters/local/pay%2Fments/backups'],
      ['GET', '/clusters/local/payments/etcd'],
    ]);
  });

  it('creates a cluster from a backup with the spec as the body', async () => {
    const { client, fetch } = clientAnswering(202, { id: 'op-1' });
    const spec = {
      name: 'payments-restored',
      owner: 'group:default/team-a',
      hub: 'local',
      version: 'v1.37.2',
      nodePools: [
        { name: 'workers', replicas: 2, vcpu: 2, memoryGiB: 8, diskGiB: 40 },
      ],
      restoreFrom: {
        hub: 'local',
        cluster: 'payments',
        backupId: '20260802T100000Z-a1b2c3',
      },
    };
    await expect(client.createCluster(spec)).resolves.toEqual({ id: 'op-1' });
    expect(requests(fetch)).toEqual([['POST', '/clusters']]);
    expect(JSON.parse(String(fetch.mock.calls[0][1]?.body))).toEqual(spec);
  });

  it("throws the server's refusal", async () => {
    const { client } = clientAnswering(403, {
      error: { name: 'NotAllowedError', message: 'not allowed' },
    });
    const error = await client.listBackups('local', 'payments').then(
      () => undefined,
      e => e,
    );
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toBe('not allowed');
  });
});
