import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { ClusterSpec } from '@hostplane/plugin-hostplane-common';
import { GeneratedSecret } from '@hostplane/plugin-hostplane-node';
import { clusterLabels, ownerAnnotations } from './metadata';
import { tenantNamespace } from './namespace';

/** The Secrets a HostedCluster refers to, named as HyperShift's own tooling names them. */
export function secretNames(clusterName: string) {
  return {
    pullSecret: `${clusterName}-pull-secret`,
    sshKey: `${clusterName}-ssh-key`,
    etcdEncryptionKey: `${clusterName}-etcd-encryption-key`,
  };
}

/** The keys HyperShift reads in those Secrets. */
export const PULL_SECRET_KEY = '.dockerconfigjson';
export const SSH_PUBLIC_KEY_KEY = 'id_rsa.pub';
export const ETCD_ENCRYPTION_KEY_KEY = 'key';

/** The registry the hub's release images name; nominal on the local hub, so any auth will do. */
const RELEASE_REGISTRY = 'registry.hostplane.local';

function placeholderPullSecret(): string {
  const token = randomBytes(24).toString('base64url');
  return JSON.stringify({
    auths: {
      [RELEASE_REGISTRY]: {
        auth: Buffer.from(`hostplane:${token}`).toString('base64'),
      },
    },
  });
}

/** An SSH wire-format string: its length as a big-endian uint32, then its bytes. */
function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * The public half of a fresh ed25519 key pair, as an OpenSSH `authorized_keys` line. The private
 * half is dropped: nobody logs in to the nodes through the portal, and HyperShift needs only the
 * public key to put on them.
 */
export function generateSshPublicKey(comment: string): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  const blob = Buffer.concat([
    sshString(Buffer.from('ssh-ed25519')),
    sshString(raw),
  ]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

/**
 * An AES-256 key for etcd encryption. HyperShift uses the Secret's bytes as the key itself, and
 * the engine writes generated Secrets as `stringData` (text), so the key is 32 characters of
 * base64 (24 random bytes): exactly the 32 bytes AES-256 needs, all of them printable.
 */
function etcdEncryptionKey(): string {
  return randomBytes(24).toString('base64');
}

/**
 * The cluster's generated-once Secrets: the pull secret, the SSH key and the etcd encryption key.
 * Each call of `generate` makes fresh material, except for the SSH key when the spec brings its
 * own public key; the engine calls it only when the Secret is missing, so an existing key is
 * never replaced.
 */
export function secretsFor(spec: ClusterSpec): GeneratedSecret[] {
  const names = secretNames(spec.name);
  const base = {
    namespace: tenantNamespace(spec),
    metadata: {
      labels: clusterLabels(spec),
      annotations: ownerAnnotations(spec),
    },
  };
  return [
    {
      ...base,
      name: names.pullSecret,
      type: 'kubernetes.io/dockerconfigjson',
      generate: () => ({ [PULL_SECRET_KEY]: placeholderPullSecret() }),
    },
    {
      ...base,
      name: names.sshKey,
      type: 'Opaque',
      generate: () => ({
        [SSH_PUBLIC_KEY_KEY]:
          spec.sshPublicKey ?? generateSshPublicKey(`hostplane@${spec.name}`),
      }),
    },
    {
      ...base,
      name: names.etcdEncryptionKey,
      type: 'Opaque',
      generate: () => ({ [ETCD_ENCRYPTION_KEY_KEY]: etcdEncryptionKey() }),
    },
  ];
}
