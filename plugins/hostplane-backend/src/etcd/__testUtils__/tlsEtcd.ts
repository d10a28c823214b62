import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import { ephemeralPort, hubBinaries } from '@hostplane/local-hub';
import { EtcdClientTls, connectTls } from '../clientTls';
import { EtcdGateway } from '../gateway';

/** PEM files of a CA and the certificates it signs, made with openssl for one test. */
function makeCertificates(dir: string): {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
} {
  const file = (name: string) => path.join(dir, name);
  // One command line each, split on spaces: the folder is a test's temporary one, without any.
  const openssl = (command: string) =>
    execFileSync('openssl', command.split(' '), { stdio: 'pipe' });
  const newKey = '-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes';
  openssl(
    `req -x509 ${newKey} -days 1 -subj /CN=etcd-test-signer -keyout ${file(
      'ca.key',
    )} -out ${file('ca.crt')}`,
  );
  const sign = (name: string, extensions: string) => {
    fs.writeFileSync(file(`${name}.ext`), extensions);
    openssl(
      `req ${newKey} -subj /CN=${name} -keyout ${file(
        `${name}.key`,
      )} -out ${file(`${name}.csr`)}`,
    );
    openssl(
      `x509 -req -in ${file(`${name}.csr`)} -days 1 -CA ${file(
        'ca.crt',
      )} -CAkey ${file('ca.key')} -CAcreateserial -extfile ${file(
        `${name}.ext`,
      )} -out ${file(`${name}.crt`)}`,
    );
  };
  // As HyperShift's etcd-server certificate: localhost among its names, for either use.
  sign(
    'etcd-server',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  sign('etcd-client', 'extendedKeyUsage=clientAuth\n');
  return {
    ca: file('ca.crt'),
    serverCert: file('etcd-server.crt'),
    serverKey: file('etcd-server.key'),
    clientCert: file('etcd-client.crt'),
    clientKey: file('etcd-client.key'),
  };
}

export interface TlsEtcd {
  /** Its client port on loopback, which serves only TLS with a client certificate of its CA. */
  port: number;
  clientTls: EtcdClientTls;
  stop(): Promise<void>;
}

/**
 * For tests: a one-member etcd that serves its clients as a HyperShift hub's etcd does (TLS,
 * client certificates required), on loopback, with its data and certificates under `dir`.
 */
export async function startTlsEtcd(dir: string): Promise<TlsEtcd> {
  fs.mkdirSync(dir, { recursive: true });
  const certs = makeCertificates(dir);
  const port = await ephemeralPort();
  const peerPort = await ephemeralPort();
  const peer = `http://127.0.0.1:${peerPort}`;
  const client = `https://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(dir, 'etcd.log'), 'a');
  const etcd: ChildProcess = spawn(
    hubBinaries().etcd,
    [
      '--name',
      'etcd-0',
      '--data-dir',
      path.join(dir, 'data'),
      '--listen-client-urls',
      client,
      '--advertise-client-urls',
      client,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `etcd-0=${peer}`,
      '--cert-file',
      certs.serverCert,
      '--key-file',
      certs.serverKey,
      '--client-cert-auth',
      '--trusted-ca-file',
      certs.ca,
    ],
    { stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  const clientTls: EtcdClientTls = {
    ca: fs.readFileSync(certs.ca),
    cert: fs.readFileSync(certs.clientCert),
    key: fs.readFileSync(certs.clientKey),
  };
  const stop = async () => {
    if (etcd.exitCode !== null || etcd.signalCode !== null) return;
    const exited = new Promise(resolve => etcd.once('exit', resolve));
    etcd.kill('SIGKILL');
    await exited;
  };
  try {
    const gateway = new EtcdGateway(
      () => connectTls(net.connect(port, '127.0.0.1'), clientTls, 'test etcd'),
      'test etcd',
    );
    await waitFor(
      'the TLS etcd to answer',
      async () =>
        gateway.call('/v3/maintenance/status', {}).then(
          () => true,
          () => undefined,
        ),
      { timeoutMs: 30_000 },
    );
  } catch (error) {
    await stop();
    throw new Error(
      `${(error as Error).message}\n${fs.readFileSync(
        path.join(dir, 'etcd.log'),
        'utf8',
      )}`,
    );
  }
  return { port, clientTls, stop };
}
