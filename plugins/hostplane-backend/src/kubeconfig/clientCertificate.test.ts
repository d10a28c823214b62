import {
  X509Certificate,
  createPublicKey,
  generateKeyPairSync,
} from 'node:crypto';
import forge from 'node-forge';
import {
  describeCertificate,
  signClientCertificate,
} from './clientCertificate';

/** A throwaway root CA shaped like a cluster's: self-signed RSA, valid for ten years. */
function createCa(commonName: string) {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3_600_000);
  // As Go writes names (kwokctl's, HyperShift's CAs): PrintableString if it can, else UTF8String.
  const valueTag = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(commonName)
    ? forge.asn1.Type.PRINTABLESTRING
    : forge.asn1.Type.UTF8;
  const name = [
    {
      shortName: 'CN',
      value: commonName,
      valueTagClass: valueTag as number as forge.asn1.Class,
    },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { caCertPem: forge.pki.certificateToPem(cert), caKeyPem: privateKey };
}

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

type Extension = Record<string, unknown>;
const extension = (certPem: string, name: string) =>
  forge.pki.certificateFromPem(certPem).getExtension(name) as
    | Extension
    | undefined;

describe('signClientCertificate', () => {
  const ca = createCa('tenant-root-ca');
  const otherCa = createCa('other-root-ca');
  const now = new Date('2030-01-01T12:00:00.750Z');
  const sign = (
    overrides: Partial<Parameters<typeof signClientCertificate>[0]> = {},
  ) =>
    signClientCertificate({
      ...ca,
      user: 'user:default/alice',
      groups: ['group:default/team-a', 'group:default/platform'],
      ttlMs: 8 * 3_600_000,
      ...overrides,
    });

  it('signs a certificate that verifies against the CA', () => {
    const { certPem } = sign();

    const caStore = forge.pki.createCaStore([ca.caCertPem]);
    expect(
      forge.pki.verifyCertificateChain(caStore, [
        forge.pki.certificateFromPem(certPem),
      ]),
    ).toBe(true);
    // OpenSSL as a second opinion: it compares the encoded issuer name and key identifiers.
    const leaf = new X509Certificate(certPem);
    const root = new X509Certificate(ca.caCertPem);
    expect(leaf.checkIssued(root)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(true);
  });

  it('does not verify against another CA', () => {
    const { certPem } = sign();
    const caStore = forge.pki.createCaStore([otherCa.caCertPem]);
    expect(() =>
      forge.pki.verifyCertificateChain(caStore, [
        forge.pki.certificateFromPem(certPem),
      ]),
    ).toThrow();
  });

  it('names the user as CN and each group as an O, valid from a minute before now for the ttl', () => {
    const certificate = sign({ now, ttlMs: 8 * 3_600_000 });

    expect(describeCertificate(certificate.certPem)).toEqual({
      user: 'user:default/alice',
      groups: ['group:default/team-a', 'group:default/platform'],
      serial: certificate.serial,
      notBefore: new Date('2030-01-01T11:59:00Z'),
      notAfter: new Date('2030-01-01T20:00:00Z'),
    });
    expect(certificate.notBefore).toEqual(new Date('2030-01-01T11:59:00Z'));
    expect(certificate.notAfter).toEqual(new Date('2030-01-01T20:00:00Z'));
  });

  it('keeps characters PrintableString cannot hold', () => {
    const certificate = sign({
      user: 'user:default/zoë_x',
      groups: ['group:default/team_b'],
    });
    expect(describeCertificate(certificate.certPem)).toMatchObject({
      user: 'user:default/zoë_x',
      groups: ['group:default/team_b'],
    });
  });

  it('names a CA with a non-ASCII name as its issuer exactly', () => {
    const ca2 = createCa('Zoë root CA');
    const { certPem } = signClientCertificate({
      ...ca2,
      user: 'user:default/alice',
      groups: [],
      ttlMs: 60_000,
    });
    expect(
      new X509Certificate(certPem).checkIssued(
        new X509Certificate(ca2.caCertPem),
      ),
    ).toBe(true);
  });

  it('is for client authentication only, not a CA, and names the CA key', () => {
    const { certPem } = sign();

    expect(extension(certPem, 'basicConstraints')).toMatchObject({
      cA: false,
      critical: true,
    });
    expect(extension(certPem, 'keyUsage')).toMatchObject({
      digitalSignature: true,
      keyEncipherment: true,
      keyCertSign: false,
    });
    expect(new X509Certificate(certPem).keyUsage).toEqual([CLIENT_AUTH_OID]);
    // The CA key's identifier, so a verifier can pick the right key when the CA is renewed.
    const authorityKeyIdentifier = forge.asn1.fromDer(
      String(extension(certPem, 'authorityKeyIdentifier')?.value),
    ).value as forge.asn1.Asn1[];
    expect(authorityKeyIdentifier).toHaveLength(1);
    expect(forge.util.bytesToHex(String(authorityKeyIdentifier[0].value))).toBe(
      forge.pki
        .certificateFromPem(ca.caCertPem)
        .generateSubjectKeyIdentifier()
        .toHex(),
    );
  });

  it('returns the private key of the certified public key', () => {
    const { certPem, keyPem } = sign();
    expect(
      createPublicKey(keyPem).export({ type: 'spki', format: 'pem' }),
    ).toEqual(
      new X509Certificate(certPem).publicKey.export({
        type: 'spki',
        format: 'pem',
      }),
    );
  });

  it('gives every certificate its own positive 16-byte serial', () => {
    const certificates = [sign(), sign()];

    expect(certificates[0].serial).not.toEqual(certificates[1].serial);
    for (const { serial, certPem } of certificates) {
      // The first byte is 0x40-0x7f: positive, and no leading zero to strip.
      expect(serial).toMatch(/^[4-7][0-9a-f]{31}$/);
      expect(describeCertificate(certPem).serial).toBe(serial);
      expect(new X509Certificate(certPem).serialNumber.toLowerCase()).toBe(
        serial,
      );
    }
  });

  it.each([
    ['an empty user', { user: '' }, /non-empty user name/],
    ['a blank user', { user: '  ' }, /non-empty user name/],
    [
      'an empty group',
      { groups: ['group:default/team-a', ''] },
      /groups must be non-empty/,
    ],
    ['a zero ttl', { ttlMs: 0 }, /positive number of milliseconds; got 0/],
    [
      'a negative ttl',
      { ttlMs: -1000 },
      /positive number of milliseconds; got -1000/,
    ],
    [
      'a ttl that is not a number',
      { ttlMs: Number.NaN },
      /positive number of milliseconds; got NaN/,
    ],
    [
      "another CA's key",
      { caKeyPem: otherCa.caKeyPem },
      /CA key does not belong to the CA certificate/,
    ],
    [
      'a ttl beyond the CA expiry',
      { ttlMs: 20 * 365 * 24 * 3_600_000 },
      /CA certificate expires at .* before the requested/,
    ],
  ])('rejects %s', (_, overrides, message) => {
    expect(() => sign(overrides)).toThrow(message);
  });
});
