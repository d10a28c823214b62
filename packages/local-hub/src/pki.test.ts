import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { newKeyPair, rotatePki } from './pki';

/** A PKI folder as kwokctl writes one: a CA and an admin certificate serving and signing in. */
function kwokctlLikePki(dir: string): void {
  const caKeys = newKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = '01';
  ca.validity.notBefore = new Date(Date.now() - 86_400_000);
  ca.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  ca.setSubject([{ name: 'commonName', value: 'kwok-ca' }]);
  ca.setIssuer([{ name: 'commonName', value: 'kwok-ca' }]);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const adminKeys = newKeyPair();
  const admin = forge.pki.createCertificate();
  admin.publicKey = adminKeys.publicKey;
  admin.serialNumber = '02';
  admin.validity.notBefore = ca.validity.notBefore;
  admin.validity.notAfter = ca.validity.notAfter;
  admin.setSubject([
    { name: 'commonName', value: 'kwok-admin' },
    { name: 'organizationName', value: 'system:masters' },
  ]);
  admin.setIssuer(ca.subject.attributes);
  admin.setExtensions([
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'kubernetes.default.svc' },
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
  ]);
  admin.sign(caKeys.privateKey, forge.md.sha256.create());

  const write = (name: string, cert: forge.pki.Certificate, key: any) => {
    fs.writeFileSync(
      path.join(dir, `${name}.crt`),
      forge.pki.certificateToPem(cert),
    );
    fs.writeFileSync(
      path.join(dir, `${name}.key`),
      forge.pki.privateKeyToPem(key),
    );
  };
  write('ca', ca, caKeys.privateKey);
  write('admin', admin, adminKeys.privateKey);
}

describe('rotatePki', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pki-'));
    kwokctlLikePki(dir);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cert = (name: string) =>
    forge.pki.certificateFromPem(
      fs.readFileSync(path.join(dir, `${name}.crt`), 'utf8'),
    );
  const key = (name: string) =>
    forge.pki.privateKeyFromPem(
      fs.readFileSync(path.join(dir, `${name}.key`), 'utf8'),
    ) as forge.pki.rsa.PrivateKey;
  const names = (c: forge.pki.Certificate) =>
    (c.getExtension('subjectAltName') as any).altNames.map(
      (n: { value?: string; ip?: string }) => n.ip ?? n.value,
    );

  it('replaces the CA and re-issues each certificate under it with a new key, keeping subject, names and usages', () => {
    const [oldCa, oldAdmin] = [cert('ca'), cert('admin')];
    const oldAdminKey = key('admin');

    rotatePki(dir);

    const [ca, admin] = [cert('ca'), cert('admin')];
    expect(
      forge.pki.getPublicKeyFingerprint(ca.publicKey, { encoding: 'hex' }),
    ).not.toBe(
      forge.pki.getPublicKeyFingerprint(oldCa.publicKey, { encoding: 'hex' }),
    );
    expect(ca.subject.getField('CN').value).toBe('kwok-ca');
    expect(ca.verify(ca)).toBe(true);
    expect(ca.verify(admin)).toBe(true);
    // The old CA no longer vouches for the admin certificate, nor the new CA for the old one.
    expect(() => oldCa.verify(admin)).toThrow();
    expect(() => ca.verify(oldAdmin)).toThrow();

    expect(admin.subject.getField('CN').value).toBe('kwok-admin');
    expect(admin.subject.getField('O').value).toBe('system:masters');
    expect(names(admin)).toEqual(names(oldAdmin));
    expect(admin.getExtension('extKeyUsage')).toMatchObject({
      serverAuth: true,
      clientAuth: true,
    });
    // Each key belongs to its certificate, and none is the old one.
    const adminKey = key('admin');
    expect(adminKey.n.equals(oldAdminKey.n)).toBe(false);
    expect(
      adminKey.n.equals((admin.publicKey as forge.pki.rsa.PublicKey).n),
    ).toBe(true);
    expect(
      key('ca').n.equals((ca.publicKey as forge.pki.rsa.PublicKey).n),
    ).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual([
      'admin.crt',
      'admin.key',
      'ca.crt',
      'ca.key',
    ]);
  });
});
