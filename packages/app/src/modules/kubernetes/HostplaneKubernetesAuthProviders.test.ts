import { HostplaneKubernetesAuthProviders } from './HostplaneKubernetesAuthProviders';

describe('HostplaneKubernetesAuthProviders', () => {
  const others = {
    decorateRequestBodyForAuth: jest.fn(async (provider: string, body: any) => {
      if (provider !== 'google') throw new Error(`no provider ${provider}`);
      return { ...body, auth: { google: 'token' } };
    }),
    getCredentials: jest.fn(async () => ({ token: 'token' })),
  };
  const providers = new HostplaneKubernetesAuthProviders(others);
  const body = { entity: { metadata: { name: 'payments-api' } } } as any;

  it('adds nothing from the browser for Hostplane clusters', async () => {
    await expect(
      providers.decorateRequestBodyForAuth('hostplane', body),
    ).resolves.toEqual(body);
    await expect(providers.getCredentials('hostplane')).resolves.toEqual({});
    expect(others.decorateRequestBodyForAuth).not.toHaveBeenCalled();
  });

  it('leaves every other provider to the Kubernetes plugin', async () => {
    await expect(
      providers.decorateRequestBodyForAuth('google', body),
    ).resolves.toEqual({ ...body, auth: { google: 'token' } });
    await expect(
      providers.decorateRequestBodyForAuth('unknown', body),
    ).rejects.toThrow('no provider unknown');
    await expect(providers.getCredentials('google')).resolves.toEqual({
      token: 'token',
    });
  });
});
