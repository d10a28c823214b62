import crypto from 'node:crypto';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import forge from 'node-forge';
import { getRaw } from './kube';
import { PooledKubeConfig } from './pooledKubeConfig';

/** A self-signed serving certificate for 127.0.0.1, made for this test. */
function servingCertificate() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKey);
  certificate.serialNumber = '01';
  certificate.validity.notBefore = new Date(Date.now() - 60_000);
  certificate.validity.notAfter = new Date(Date.now() + 3_600_000);
  const subject = [{ name: 'commonName', value: '127.0.0.1' }];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
  ]);
  certificate.sign(
    forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    forge.md.sha256.create(),
  );
  return { cert: forge.pki.certificateToPem(certificate), key: privateKey };
}

describe('PooledKubeConfig', () => {
  const { cert, key } = servingCertificate();
  let handshakes = 0;
  const server = https.createServer({ cert, key }, (_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(
      JSON.stringify({ kind: 'NamespaceList', apiVersion: 'v1', items: [] }),
    );
  });
  server.on('secureConnection', () => {
    handshakes += 1;
  });

  beforeAll(
    () => new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve)),
  );
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>(resolve => server.close(() => resolve()));
  });
  beforeEach(() => {
    handshakes = 0;
  });

  const loadConfig = <T extends KubeConfig>(kubeConfig: T): T => {
    const { port } = server.address() as AddressInfo;
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: 'hub',
          server: `https://127.0.0.1:${port}`,
          caData: Buffer.from(cert).toString('base64'),
        },
      ],
      users: [{ name: 'admin', token: 'not-a-secret' }],
      contexts: [{ name: 'hub', cluster: 'hub', user: 'admin' }],
      currentContext: 'hub',
    });
    return kubeConfig;
  };
  const load = (kubeConfig: KubeConfig) =>
    loadConfig(kubeConfig).makeApiClient(CoreV1Api);
  const listFiveTimes = async (core: CoreV1Api) => {
    for (let i = 0; i < 5; i++) {
      expect((await core.listNamespace()).items).toEqual([]);
    }
  };

  it('does one TLS handshake for requests made one after another', async () => {
    await listFiveTimes(load(new PooledKubeConfig()));
    expect(handshakes).toBe(1);
  });

  it("shares the connection with getRaw's requests", async () => {
    const kubeConfig = loadConfig(new PooledKubeConfig());
    await listFiveTimes(kubeConfig.makeApiClient(CoreV1Api));
    for (let i = 0; i < 3; i++) {
      expect((await getRaw(kubeConfig, '/readyz')).status).toBe(200);
    }
    expect(handshakes).toBe(1);
  });

  it('is needed: the plain KubeConfig does a handshake per request', async () => {
    await listFiveTimes(load(new KubeConfig()));
    expect(handshakes).toBe(5);
  });
});
