import { randomBytes } from 'node:crypto';
import { CLUSTER_LABEL } from '@hostplane/plugin-hostplane-common';
import { CoreV1Api, KubeConfig, V1Secret } from '@kubernetes/client-node';
import { BackupKey, BackupKeyring } from './encryption';

/** The Secret beside a cluster's objects on its hub that holds the key its backups are encrypted with. */
export function backupKeySecretName(cluster: string): string {
  return `${cluster}-etcd-backup-key`;
}

const KEY_ID = 'id';
const KEY_MATERIAL = 'key';

/** Where a cluster's objects are on its hub. */
export interface BackupKeyLocation {
  namespace: string;
  cluster: string;
}

/**
 * Each cluster's backup key: 32 random bytes in a Secret in the cluster's hub namespace, so a
 * store that leaks leaks nothing readable. The key is made once (by `ensureSecrets` for a new
 * cluster, by the first backup for one made before backups existed) and never replaced; it
 * outlives the cluster's other generated Secrets so that backups kept after a deletion stay
 * readable. Neither its material nor its Secret's content is ever logged or returned.
 */
export class BackupKeys {
  private readonly core: CoreV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** The cluster's key, or undefined when it has none yet. */
  async find(location: BackupKeyLocation): Promise<BackupKey | undefined> {
    const secret = await this.read(location);
    return secret && keyOf(secret, location);
  }

  /** The cluster's key, made now if it has none (a second maker loses the race and reads the first's). */
  async ensure(
    location: BackupKeyLocation,
    labels: Record<string, string> = {},
  ): Promise<BackupKey> {
    const existing = await this.find(location);
    if (existing) return existing;
    const key: BackupKey = {
      id: `${location.namespace}.${location.cluster}.${randomBytes(4).toString(
        'hex',
      )}`,
      material: randomBytes(32),
    };
    try {
      await this.core.createNamespacedSecret({
        namespace: location.namespace,
        body: {
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'Opaque',
          metadata: {
            namespace: location.namespace,
            name: backupKeySecretName(location.cluster),
            labels: { ...labels, [CLUSTER_LABEL]: location.cluster },
          },
          data: {
            [KEY_ID]: Buffer.from(key.id).toString('base64'),
            [KEY_MATERIAL]: key.material.toString('base64'),
          },
        },
      });
      return key;
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
      const made = await this.find(location);
      if (!made) throw error;
      return made;
    }
  }

  /** The keys a backup of the cluster may be decrypted with: its one key, or none. */
  async keyring(location: BackupKeyLocation): Promise<BackupKeyring> {
    const key = await this.find(location);
    return new Map(key ? [[key.id, key.material]] : []);
  }

  private async read(
    location: BackupKeyLocation,
  ): Promise<V1Secret | undefined> {
    try {
      return await this.core.readNamespacedSecret({
        namespace: location.namespace,
        name: backupKeySecretName(location.cluster),
      });
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }
}

function keyOf(secret: V1Secret, location: BackupKeyLocation): BackupKey {
  const id = secret.data?.[KEY_ID];
  const material = secret.data?.[KEY_MATERIAL];
  const where = `Secret ${location.namespace}/${backupKeySecretName(
    location.cluster,
  )}`;
  if (!id || !material) {
    throw new Error(`${where} lacks its '${KEY_ID}' or '${KEY_MATERIAL}'`);
  }
  const bytes = Buffer.from(material, 'base64');
  if (bytes.length !== 32) {
    throw new Error(
      `${where} holds a key of ${bytes.length} bytes; a backup key has 32`,
    );
  }
  return { id: Buffer.from(id, 'base64').toString('utf8'), material: bytes };
}
