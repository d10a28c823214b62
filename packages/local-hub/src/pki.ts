import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';

const CA = 'ca';
const CA_VALIDITY_MS = 10 * 365 * 24 * 3_600_000;
/** Leaf certificates keep the lifetime they had; this only bounds a broken one. */
const MAX_LEAF_VALIDITY_MS = CA_VALIDITY_MS;
/** Valid from a little before now, so that a clock slightly behind accepts them at once. */
const CLOCK_SKEW_MS = 60 * 60_000;

/**
 * Extensions that name keys: they would point at the old CA and the old key, so they are written
 * anew instead of copied.
 */
const KEY_IDENTIFIERS = new Set([
  'subjectKeyIdentifier',
  'authorityKeyIdentifier',
]);

/** A fresh RSA key pair as node-forge keys. */
export function newKeyPair(): forge.pki.rsa.KeyPair {
  // Node's key generation, not node-forge's pure-JavaScript one: seconds per key under load.
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(
    privateKey,
  ) as forge.pki.rsa.PrivateKey;
  return {
    privateKey: key,
    publicKey: forge.pki.setRsaPublicKey(key.n, key.e),
  };
}

function serialNumber(): string {
  // Positive (high bit clear), as X.509 asks.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

function writeAtomically(file: string, contents: string): void {
  const temporary = `${file}.rotating`;
  fs.writeFileSync(temporary, contents, { mode: 0o600 });
  fs.renameSync(temporary, file);
}

/**
 * Replaces the CA of a PKI folder laid out as kwokctl lays it out (`ca.crt`/`ca.key` and one
 * `<name>.crt`/`<name>.key` per certificate it signed) and re-issues every certificate under the
 * new CA with a new key, keeping its subject, names and usages: what rotating a control plane's
 * CA does. Every credential signed by the old CA stops being trusted by whatever trusts only the
 * new one.
 *
 * Files are replaced one by one; interrupted, the folder mixes old and new, and running this again
 * converges (it makes yet another CA and re-issues everything under it).
 */
export function rotatePki(pkiDir: string, now: Date = new Date()): void {
  const read = (name: string) =>
    forge.pki.certificateFromPem(
      fs.readFileSync(path.join(pkiDir, `${name}.crt`), 'utf8'),
    );
  const oldCa = read(CA);
  const caKeys = newKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serialNumber();
  ca.validity.notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  ca.validity.notAfter = new Date(now.getTime() + CA_VALIDITY_MS);
  ca.setSubject(oldCa.subject.attributes);
  ca.setIssuer(oldCa.subject.attributes);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    {
      name: 'keyUsage',
      keyCertSign: true,
      cRLSign: true,
      digitalSignature: true,
      keyEncipherment: true,
      critical: true,
    },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const leaves = fs
    .readdirSync(pkiDir)
    .filter(file => file.endsWith('.crt') && file !== `${CA}.crt`)
    .map(file => file.slice(0, -'.crt'.length))
    .filter(name => fs.existsSync(path.join(pkiDir, `${name}.key`)));

  // The CA first: a leaf signed by a CA that is not on disk yet would be trusted by nothing.
  writeAtomically(
    path.join(pkiDir, `${CA}.key`),
    forge.pki.privateKeyToPem(caKeys.privateKey),
  );
  writeAtomically(
    path.join(pkiDir, `${CA}.crt`),
    forge.pki.certificateToPem(ca),
  );

  for (const name of leaves) {
    const old = read(name);
    const keys = newKeyPair();
    const leaf = forge.pki.createCertificate();
    leaf.publicKey = keys.publicKey;
    leaf.serialNumber = serialNumber();
    const lifetime = Math.min(
      old.validity.notAfter.getTime() - old.validity.notBefore.getTime(),
      MAX_LEAF_VALIDITY_MS,
    );
    leaf.validity.notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
    leaf.validity.notAfter = new Date(now.getTime() + lifetime);
    leaf.setSubject(old.subject.attributes);
    leaf.setIssuer(ca.subject.attributes);
    leaf.setExtensions([
      // Copied as encoded: node-forge writes an extension's existing value back unchanged.
      ...old.extensions.filter(
        (extension: { name?: string }) =>
          !KEY_IDENTIFIERS.has(extension.name ?? ''),
      ),
      { name: 'subjectKeyIdentifier' },
    ]);
    leaf.sign(caKeys.privateKey, forge.md.sha256.create());
    writeAtomically(
      path.join(pkiDir, `${name}.key`),
      forge.pki.privateKeyToPem(keys.privateKey),
    );
    writeAtomically(
      path.join(pkiDir, `${name}.crt`),
      forge.pki.certificateToPem(leaf),
    );
  }
}
