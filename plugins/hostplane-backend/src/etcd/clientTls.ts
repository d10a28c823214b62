import tls from 'node:tls';
import { Duplex } from 'node:stream';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { EtcdUnreachableError } from './errors';

/** A client certificate for etcd, and the CA its server certificates are checked against. */
export interface EtcdClientTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/**
 * The keys a client certificate Secret holds them under: HyperShift's `etcd-client-tls`
 * (`etcd-client.crt`, `etcd-client.key`, `etcd-client-ca.crt`), else a `kubernetes.io/tls`
 * Secret's with its CA.
 */
const KEYS = [
  { cert: 'etcd-client.crt', key: 'etcd-client.key', ca: 'etcd-client-ca.crt' },
  { cert: 'tls.crt', key: 'tls.key', ca: 'ca.crt' },
];

/**
 * The client certificate in a Secret of the control-plane namespace, or undefined when there is
 * no such Secret (etcd served without TLS, as the local hub runs it). A Secret without a complete
 * set of keys is an error that names the Secret and the keys looked for, never what it holds.
 */
export async function readEtcdClientTls(
  kubeConfig: KubeConfig,
  namespace: string,
  secretName: string,
): Promise<EtcdClientTls | undefined> {
  let data: Record<string, string> | undefined;
  try {
    const secret = await kubeConfig
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({ namespace, name: secretName });
    data = secret.data ?? {};
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw new EtcdUnreachableError(
      `reading etcd's client certificate Secret ${namespace}/${secretName}: ${
        (error as Error).message
      }`,
    );
  }
  const keys = KEYS.find(k => data![k.cert] && data![k.key] && data![k.ca]);
  if (!keys) {
    throw new EtcdUnreachableError(
      `Secret ${namespace}/${secretName} holds no etcd client certificate: it needs ${KEYS.map(
        k => `${k.cert}, ${k.key} and ${k.ca}`,
      ).join(', or ')}`,
    );
  }
  const decode = (key: string) => Buffer.from(data![key], 'base64');
  return {
    cert: decode(keys.cert),
    key: decode(keys.key),
    ca: decode(keys.ca),
  };
}

/**
 * TLS over a connection to an etcd member, once the handshake is done. The server certificate is
 * checked against the Secret's CA for `localhost`, the name etcd's serving certificate carries for
 * its own pod's loopback, which is where a port-forward arrives. `alpn` is the application
 * protocol to agree on: `h2` for gRPC, which etcd serves only when agreed.
 */
export function connectTls(
  socket: Duplex,
  clientTls: EtcdClientTls,
  describe: string,
  alpn: 'h2' | 'http/1.1' = 'http/1.1',
): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({
      socket,
      ca: clientTls.ca,
      cert: clientTls.cert,
      key: clientTls.key,
      servername: 'localhost',
      ALPNProtocols: [alpn],
    });
    const onError = (error: Error) => {
      secure.destroy();
      socket.destroy();
      reject(
        error instanceof EtcdUnreachableError
          ? error
          : new EtcdUnreachableError(`TLS to ${describe}: ${error.message}`),
      );
    };
    secure.once('error', onError);
    // Node does not destroy a wrapped socket that is not its own with the TLS socket over it.
    secure.once('close', () => socket.destroy());
    secure.once('secureConnect', () => {
      // Without ALPN a server speaks HTTP/1.1; HTTP/2 it speaks only when agreed.
      const agreed = secure.alpnProtocol || 'http/1.1';
      if (agreed !== alpn) {
        onError(
          new Error(
            `etcd did not agree to ${alpn} (it chose ${
              secure.alpnProtocol || 'none'
            })`,
          ),
        );
        return;
      }
      secure.off('error', onError);
      resolve(secure);
    });
  });
}
