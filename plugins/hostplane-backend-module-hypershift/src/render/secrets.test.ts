import { createPublicKey } from 'node:crypto';
import path from 'node:path';
import { expectToMatchGolden } from '@hostplane/local-hub';
import {
  highlyAvailable,
  singleReplica,
  userSshPublicKey,
  withSshKey,
} from '../__fixtures__/clusters';
import { secretsFor } from './secrets';

/** Reads an SSH wire-format string at `offset`; returns it and the offset after it. */
function readSshString(blob: Buffer, offset: number): [Buffer, number] {
  const length = blob.readUInt32BE(offset);
  const end = offset + 4 + length;
  expect(end).toBeLessThanOrEqual(blob.length);
  return [blob.subarray(offset + 4, end), end];
}

describe('secretsFor', () => {
  it.each([
    ['single-replica', singleReplica],
    ['highly-available', highlyAvailable],
    ['with-ssh-key', withSshKey],
  ])(
    'names and labels the Secrets of a %s cluster as in the golden file',
    (name, spec) => {
      expectToMatchGolden(
        secretsFor(spec).map(secret => ({
          namespace: secret.namespace,
          name: secret.name,
          type: secret.type,
          metadata: secret.metadata,
          keys: Object.keys(secret.generate()),
        })),
        path.join(__dirname, '__testdata__', `secrets-${name}.yaml`),
      );
    },
  );

  it('generates fresh material on every call', () => {
    for (const secret of secretsFor(singleReplica)) {
      const first = secret.generate();
      const second = secret.generate();
      expect(Object.keys(second)).toEqual(Object.keys(first));
      for (const key of Object.keys(first)) {
        expect(second[key]).not.toEqual(first[key]);
      }
    }
  });

  it('generates an OpenSSH ed25519 public key and no private key', () => {
    const sshKey = secretsFor(singleReplica).find(
      s => s.name === 'payments-dev-ssh-key',
    )!;
    const data = sshKey.generate();
    expect(Object.keys(data)).toEqual(['id_rsa.pub']);
    const [type, encoded, comment, ...rest] = data['id_rsa.pub'].split(' ');
    expect(type).toBe('ssh-ed25519');
    expect(comment).toBe('hostplane@payments-dev');
    expect(rest).toEqual([]);
    const blob = Buffer.from(encoded, 'base64');
    expect(blob.toString('base64')).toBe(encoded);
    const [innerType, afterType] = readSshString(blob, 0);
    const [key, end] = readSshString(blob, afterType);
    expect(innerType.toString()).toBe('ssh-ed25519');
    expect(key).toHaveLength(32);
    expect(end).toBe(blob.length);
    const publicKey = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: key.toString('base64url') },
      format: 'jwk',
    });
    expect(publicKey.asymmetricKeyType).toBe('ed25519');
  });

  it("uses the spec's SSH public key as it is, and generates the rest", () => {
    const [pullSecret, sshKey, encryption] = secretsFor(withSshKey);
    expect(sshKey.name).toBe('payments-ssh-ssh-key');
    expect(sshKey.generate()).toEqual({ 'id_rsa.pub': userSshPublicKey });
    expect(sshKey.generate()).toEqual({ 'id_rsa.pub': userSshPublicKey });
    for (const generated of [pullSecret, encryption]) {
      expect(generated.generate()).not.toEqual(generated.generate());
    }
  });

  it('generates a pull secret Kubernetes accepts as a docker config', () => {
    const pullSecret = secretsFor(singleReplica).find(
      s => s.type === 'kubernetes.io/dockerconfigjson',
    )!;
    const config = JSON.parse(pullSecret.generate()['.dockerconfigjson']);
    const [registry, entry] = Object.entries<{ auth: string }>(config.auths)[0];
    expect(registry).toBe('registry.hostplane.local');
    expect(Buffer.from(entry.auth, 'base64').toString()).toMatch(
      /^hostplane:[A-Za-z0-9_-]{32}$/,
    );
  });

  it('generates an etcd encryption key of the 32 bytes AES-256 takes', () => {
    const encryption = secretsFor(singleReplica).find(
      s => s.name === 'payments-dev-etcd-encryption-key',
    )!;
    const { key } = encryption.generate();
    expect(Buffer.byteLength(key)).toBe(32);
    expect(Buffer.from(key, 'base64')).toHaveLength(24);
  });
});
