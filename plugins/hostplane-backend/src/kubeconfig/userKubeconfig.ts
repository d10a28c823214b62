import { stringify } from 'yaml';

const base64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');

/**
 * A self-contained kubeconfig for one user of one cluster: the CA to trust, the user's client
 * certificate and key embedded (no file references), and a current context, so that
 * `kubectl --kubeconfig` works with nothing else.
 */
export function renderUserKubeconfig(options: {
  clusterName: string;
  server: string;
  /** The CA that signed the API server's serving certificate. */
  caCertPem: string;
  user: string;
  certPem: string;
  keyPem: string;
}): string {
  const { clusterName, server, caCertPem, user, certPem, keyPem } = options;
  const context = `${user}@${clusterName}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: clusterName,
        cluster: { server, 'certificate-authority-data': base64(caCertPem) },
      },
    ],
    users: [
      {
        name: user,
        user: {
          'client-certificate-data': base64(certPem),
          'client-key-data': base64(keyPem),
        },
      },
    ],
    contexts: [{ name: context, context: { cluster: clusterName, user } }],
    'current-context': context,
  });
}
