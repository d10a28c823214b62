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

describe('HostplaneClient (alert summary)', () => {
  it('asks once for the summary of every cluster and answers with it', async () => {
    const summary = {
      items: [
        {
          hub: 'local',
          cluster: 'shop',
          firing: { critical: 1, warning: 2, info: 0 },
          silenced: 1,
          openThreats: 3,
        },
      ],
    };
    const { client, fetch } = clientAnswering(200, summary);
    await expect(client.getAlertSummary()).resolves.toEqual(summary);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('http://backstage/api/hostplane/alerts/summary');
    expect(init?.method ?? 'GET').toBe('GET');
  });

  it("throws a ResponseError whose cause is the server's message", async () => {
    const { client } = clientAnswering(503, {
      error: {
        name: 'ServiceUnavailableError',
        message: 'The permission backend did not decide',
      },
      request: { method: 'GET', url: '/alerts/summary' },
      response: { statusCode: 503 },
    });
    const error: ResponseError = await client.getAlertSummary().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.cause.message).toBe('The permission backend did not decide');
  });
});
