import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { renderUserKubeconfig } from './userKubeconfig';

describe('renderUserKubeconfig', () => {
  // The renderer embeds whatever PEM it is given; real certificates are the other tests' business.
  const options = {
    clusterName: 'local-team-a-dev',
    server: 'https://127.0.0.1:6443',
    caCertPem: '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n',
    user: 'user:default/alice',
    certPem: '-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n',
    // Rendering copies the key as it is; a placeholder stands for it.
    keyPem: 'client key placeholder\n',
  };
  const decode = (data: string | undefined) =>
    Buffer.from(data ?? '', 'base64').toString('utf8');

  it('loads as a kubeconfig whose current context is the user on the cluster', () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(renderUserKubeconfig(options));

    expect(kubeConfig.getCurrentContext()).toBe(
      'user:default/alice@local-team-a-dev',
    );
    const cluster = kubeConfig.getCurrentCluster();
    expect(cluster).toMatchObject({
      name: 'local-team-a-dev',
      server: 'https://127.0.0.1:6443',
    });
    expect(decode(cluster?.caData)).toBe(options.caCertPem);
    const user = kubeConfig.getCurrentUser();
    expect(user?.name).toBe('user:default/alice');
    expect(decode(user?.certData)).toBe(options.certPem);
    expect(decode(user?.keyData)).toBe(options.keyPem);
    expect(kubeConfig.getClusters()).toHaveLength(1);
    expect(kubeConfig.getUsers()).toHaveLength(1);
    expect(kubeConfig.getContexts()).toHaveLength(1);
  });

  it('embeds every credential as data, referring to no file', () => {
    const document = parse(renderUserKubeconfig(options));

    expect(document).toMatchObject({ apiVersion: 'v1', kind: 'Config' });
    expect(Object.keys(document.clusters[0].cluster).sort()).toEqual([
      'certificate-authority-data',
      'server',
    ]);
    expect(Object.keys(document.users[0].user).sort()).toEqual([
      'client-certificate-data',
      'client-key-data',
    ]);
  });
});
