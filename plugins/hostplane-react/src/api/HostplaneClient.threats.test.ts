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

const bodies = (fetch: ReturnType<typeof clientAnswering>['fetch']) =>
  fetch.mock.calls.map(([, init]) =>
    init?.body === undefined ? undefined : JSON.parse(String(init.body)),
  );

describe('HostplaneClient (threats)', () => {
  it('asks for the alerts of every readable cluster and of one cluster, with the statuses and limit', async () => {
    const { client, fetch } = clientAnswering(200, { items: [] });
    await expect(
      client.listThreatAlerts({ status: ['open', 'acknowledged'], limit: 500 }),
    ).resolves.toEqual({ items: [] });
    await client.listThreatAlerts();
    await client.listClusterThreatAlerts('local', 'pay/ments', {
      status: [],
      limit: 50,
    });
    await client.listClusterThreatAlerts('local', 'payments');
    expect(requests(fetch)).toEqual([
      ['GET', '/threats/alerts?status=open%2Cacknowledged&limit=500'],
      ['GET', '/threats/alerts'],
      ['GET', '/clusters/local/pay%2Fments/threats/alerts?limit=50'],
      ['GET', '/clusters/local/payments/threats/alerts'],
    ]);
  });

  it("moves an alert through its lifecycle with the alert's id in the path", async () => {
    const { client, fetch } = clientAnswering(200, { id: 'a/1' });
    await client.changeThreatAlertStatus('local', 'payments', 'a/1', {
      status: 'acknowledged',
      note: 'looking',
    });
    await client.markThreatAlertFalsePositive('local', 'payments', 'a/1', {
      reason: 'the on-call engineer',
      scope: 'subject',
    });
    expect(requests(fetch)).toEqual([
      ['POST', '/clusters/local/payments/threats/alerts/a%2F1/status'],
      ['POST', '/clusters/local/payments/threats/alerts/a%2F1/false-positive'],
    ]);
    expect(bodies(fetch)).toEqual([
      { status: 'acknowledged', note: 'looking' },
      { reason: 'the on-call engineer', scope: 'subject' },
    ]);
  });

  it('reads and replaces the response policy', async () => {
    const { client, fetch } = clientAnswering(200, {
      mode: 'suggest',
      autoThreshold: 0.8,
      isDefault: false,
    });
    await client.getThreatResponsePolicy('local', 'payments');
    await expect(
      client.setThreatResponsePolicy('local', 'payments', {
        mode: 'suggest',
        autoThreshold: 0.8,
      }),
    ).resolves.toMatchObject({ mode: 'suggest' });
    expect(requests(fetch)).toEqual([
      ['GET', '/clusters/local/payments/threats/policy'],
      ['PUT', '/clusters/local/payments/threats/policy'],
    ]);
    expect(bodies(fetch)[1]).toEqual({ mode: 'suggest', autoThreshold: 0.8 });
  });

  it('loads a report, takes, lists and reverts actions', async () => {
    const { client, fetch } = clientAnswering(200, { id: 'act-1' });
    await client.getThreatReport('local', 'payments', 'a1');
    const request = {
      kind: 'isolatePod' as const,
      target: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
      dryRun: true,
    };
    await client.takeThreatAction('local', 'payments', 'a1', request);
    await client.listThreatActions('local', 'payments');
    await client.revertThreatAction('local', 'payments', 'act-1');
    expect(requests(fetch)).toEqual([
      ['GET', '/clusters/local/payments/threats/alerts/a1/report'],
      ['POST', '/clusters/local/payments/threats/alerts/a1/actions'],
      ['GET', '/clusters/local/payments/threats/actions'],
      ['POST', '/clusters/local/payments/threats/actions/act-1/revert'],
    ]);
    expect(bodies(fetch)[1]).toEqual(request);
    expect(bodies(fetch)[3]).toBeUndefined();
  });

  it("throws the server's refusal", async () => {
    const { client } = clientAnswering(403, {
      error: { name: 'NotAllowedError', message: 'not allowed' },
    });
    const error = await client
      .setThreatResponsePolicy('local', 'payments', {
        mode: 'auto',
        autoThreshold: 0.9,
      })
      .then(
        () => undefined,
        e => e,
      );
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toBe('not allowed');
  });
});
