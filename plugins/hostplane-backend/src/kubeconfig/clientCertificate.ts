import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { InputError } from '@backstage/errors';
import forge from 'node-forge';

/**
 * How far before the signing time a certificate becomes valid, so that an API server whose clock
 * runs slightly behind the backend's accepts it at once.
 */
const CLOCK_SKEW_MS = 60_000;

/**
 * The tag of an attribute value encoded as UTF8String. node-forge reads `valueTagClass` as the
 * universal type tag, though @types/node-forge declares it an `asn1.Class`.
 */
const UTF8_STRING = forge.asn1.Type.UTF8 as number as forge.asn1.Class;

export interface ClientCertificate {
  certPem: string;
  /** The private key (PKCS#1 PEM), generated here and never stored. */
  keyPem: string;
  /** Lower-case hex, as recorded with the issuance. */
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/** What an issued certificate says, as Kubernetes reads it. */
export interface CertificateDescription {
  /** The Kubernetes user name (subject CN). */
  user: string;
  /** The Kubernetes groups (subject O, in order). */
  groups: string[];
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * Signs a client certificate for a Kubernetes user with the cluster's root CA: a fresh key pair,
 * the user as subject CN and each group as a subject O, usable for client authentication only.
 */
export function signClientCertificate(options: {
  caCertPem: string;
  caKeyPem: string;
  user: string;
  groups: string[];
  ttlMs: number;
  now?: Date;
}): ClientCertificate {
  const { user, groups, ttlMs, now = new Date() } = options;
  if (user.trim() === '') {
    throw new InputError('A client certificate needs a non-empty user name');
  }
  if (groups.some(group => group.trim() === '')) {
    throw new InputError(
      `A client certificate's groups must be non-empty; got ${JSON.stringify(
        groups,
      )}`,
    );
  }
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new InputError(
      `A client certificate's lifetime must be a positive number of milliseconds; got ${ttlMs}`,
    );
  }

  const caCert = forge.pki.certificateFromPem(options.caCertPem);
  const caKey = forge.pki.privateKeyFromPem(
    options.caKeyPem,
  ) as forge.pki.rsa.PrivateKey;
  const caPublicKey = caCert.publicKey as forge.pki.rsa.PublicKey;
  if (!caKey.n || caKey.n.compareTo(caPublicKey.n) !== 0) {
    throw new Error('The CA key does not belong to the CA certificate');
  }
  // X.509 validity has whole seconds: truncated here so the times returned are the certificate's.
  const wholeSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);
  const notBefore = wholeSeconds(now.getTime() - CLOCK_SKEW_MS);
  const notAfter = wholeSeconds(now.getTime() + ttlMs);
  if (notAfter > caCert.validity.notAfter) {
    throw new Error(
      `The CA certificate expires at ${caCert.validity.notAfter.toISOString()}, before the requested ${notAfter.toISOString()}`,
    );
  }

  // node:crypto generates the key natively, in milliseconds; node-forge's JavaScript keygen takes
  // seconds. RSA because node-forge signs certificates only for RSA public keys.
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });

  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  // UTF8String, because PrintableString cannot hold every character an entity ref may contain ('_').
  cert.setSubject([
    { shortName: 'CN', value: user, valueTagClass: UTF8_STRING },
    ...groups.map(group => ({
      shortName: 'O',
      value: group,
      valueTagClass: UTF8_STRING,
    })),
  ]);
  // Kubernetes finds the issuer by comparing the encoded issuer with the CA's encoded subject.
  // node-forge keeps parsed UTF8String values as raw bytes but encodes them again when writing,
  // so they are decoded first to come out byte for byte the same.
  cert.setIssuer(caCert.subject.attributes.map(decodeUtf8Value));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    {
      name: 'keyUsage',
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    },
    { name: 'extKeyUsage', clientAuth: true },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: authorityKeyIdentifier(caCert),
    },
  ]);
  cert.sign(caKey, forge.md.sha256.create());

  return {
    certPem: forge.pki.certificateToPem(cert),
    keyPem: privateKey,
    serial: cert.serialNumber,
    notBefore,
    notAfter,
  };
}

/** Reads back who a certificate names and until when, as the API server will. */
export function describeCertificate(certPem: string): CertificateDescription {
  const cert = forge.pki.certificateFromPem(certPem);
  const values = (shortName: string) =>
    cert.subject.attributes
      .filter(attribute => attribute.shortName === shortName)
      .map(attribute => String(decodeUtf8Value(attribute).value));
  return {
    user: values('CN')[0] ?? '',
    groups: values('O'),
    serial: cert.serialNumber,
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
  };
}

/**
 * 16 random bytes as a positive, minimally encoded DER integer: the top bit clear (else it reads
 * as negative) and the next one set (else a leading zero byte makes Go's parser reject it).
 */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** The CA's own key identifier if it names one, else one computed from its key as RFC 5280 does. */
function authorityKeyIdentifier(caCert: forge.pki.Certificate): string {
  const subjectKeyIdentifier = caCert.getExtension('subjectKeyIdentifier') as
    | { subjectKeyIdentifier?: string }
    | undefined;
  if (subjectKeyIdentifier?.subjectKeyIdentifier) {
    return forge.util.hexToBytes(subjectKeyIdentifier.subjectKeyIdentifier);
  }
  return caCert.generateSubjectKeyIdentifier().getBytes();
}

function decodeUtf8Value(
  attribute: forge.pki.CertificateField,
): forge.pki.CertificateField {
  return attribute.valueTagClass === UTF8_STRING
    ? { ...attribute, value: forge.util.decodeUtf8(String(attribute.value)) }
    : attribute;
}
