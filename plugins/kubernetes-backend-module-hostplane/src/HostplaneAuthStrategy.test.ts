import { ClusterDetails } from '@backstage/plugin-kubernetes-node';
import { ServiceCredentialResponse } from '@hostplane/plugin-hostplane-common';
import { HostplaneAuthStrategy } from './HostplaneAuthStrategy';
import { toClusterDetails } from './HostplaneClusterSupplier';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-01T12:00:00Z');

/** Issues numbered credentials valid for an hour from the fake clock; can be told to fail. */
function fakeApi(clock: { now: number }) {
  let issued = 0;
  const api = {
    failing: false,
    calls: [] as string[],
    async issueServiceCredential(
      hub: string,
      name: string,
    ): Promise<ServiceCredentialResponse> {
      api.calls.push(`${hub}/${name}`);
      await new Promise(resolve => setImmediate(resolve));
      if (api.failing) throw new Error('Hostplane API answered 409: rotating');
      issued += 1;
      return {
        cert: `cert-${issued}`,
        key: `key-${issued}`,
        caData: `ca-of-${name}`,
        user: 'hostplane:service:plugin:kubernetes',
        groups: ['hostplane:service-viewers'],
        serial: String(issued),
        expiresAt: new Date(clock.now + 60 * MINUTE).toISOString(),
      };
    },
  };
  return api;
}

describe('HostplaneAuthStrategy', () => {
  let clock: { now: number };
  let api: ReturnType<typeof fakeApi>;
  let strategy: HostplaneAuthStrategy;
  const details = (name: string, rotatedAt?: string): ClusterDetails =>
    toClusterDetails(
      {
        hub: 'local',
        name,
        endpoint: 'https://127.0.0.1:6443',
        createdAt: '2026-10-01T00:00:00Z',
        credentialsRotatedAt: rotatedAt,
      },
      metadata => strategy.caDataFor(metadata),
    )!;

  beforeEach(() => {
    clock = { now: T0 };
    api = fakeApi(clock);
    strategy = new HostplaneAuthStrategy({
      api,
      now: () => clock.now,
    });
  });

  it('returns an x509 client certificate issued for the tenant', async () => {
    await expect(strategy.getCredential(details('payments'))).resolves.toEqual({
      type: 'x509 client certificate',
      cert: 'cert-1',
      key: 'key-1',
    });
    expect(api.calls).toEqual(['local/payments']);
  });

  it('reuses the certificate until 80% of its lifetime has passed, then renews it', async () => {
    const cluster = details('payments');
    const certAt = async (minutes: number) => {
      clock.now = T0 + minutes * MINUTE;
      return ((await strategy.getCredential(cluster)) as { cert: string }).cert;
    };
    expect(await certAt(0)).toBe('cert-1');
    expect(await certAt(1)).toBe('cert-1');
    expect(await certAt(47)).toBe('cert-1');
    expect(await certAt(49)).toBe('cert-2');
    expect(await certAt(96)).toBe('cert-2');
    expect(await certAt(98)).toBe('cert-3');
    expect(api.calls).toHaveLength(3);
  });

  it('asks once for many requests at the same time, and once per tenant', async () => {
    const results = await Promise.all([
      strategy.getCredential(details('payments')),
      strategy.getCredential(details('payments')),
      strategy.getCredential(details('search')),
      strategy.getCredential(details('payments')),
    ]);
    expect(results.map(r => (r as { cert: string }).cert).sort()).toEqual([
      'cert-1',
      'cert-1',
      'cert-1',
      'cert-2',
    ]);
    expect(api.calls.sort()).toEqual(['local/payments', 'local/search']);
  });

  it('does not reuse a certificate once the tenant rotated its credentials', async () => {
    await strategy.getCredential(details('payments'));
    const rotated = details('payments', '2026-11-01T12:30:00Z');
    expect(strategy.caDataFor(rotated.authMetadata)).toBeUndefined();
    await expect(strategy.getCredential(rotated)).resolves.toMatchObject({
      cert: 'cert-2',
    });
  });

  it('keeps a still valid certificate when renewing fails, and fails once it has expired', async () => {
    const cluster = details('payments');
    await strategy.getCredential(cluster);
    api.failing = true;
    clock.now = T0 + 50 * MINUTE;
    await expect(strategy.getCredential(cluster)).resolves.toMatchObject({
      cert: 'cert-1',
    });
    clock.now = T0 + 60 * MINUTE;
    await expect(strategy.getCredential(cluster)).rejects.toThrow(/409/);
    api.failing = false;
    await expect(strategy.getCredential(cluster)).resolves.toMatchObject({
      cert: 'cert-2',
    });
  });

  it("hands the tenant's CA to its cluster details once a certificate came with it", async () => {
    const cluster = details('payments');
    expect(cluster.caData).toBeUndefined();
    await strategy.getCredential(cluster);
    expect(cluster.caData).toBe('ca-of-payments');
    expect(details('search').caData).toBeUndefined();
  });

  it('validates the metadata and shows none of it to the browser', () => {
    expect(strategy.validateCluster(details('payments').authMetadata)).toEqual(
      [],
    );
    expect(
      strategy.validateCluster({ 'kubernetes.io/auth-provider': 'hostplane' }),
    ).toHaveLength(2);
    expect(
      strategy.presentAuthMetadata(details('payments').authMetadata),
    ).toEqual({});
  });
});
