import { ConflictError } from '@backstage/errors';
import {
  CREDENTIALS_ROTATION_ANNOTATION,
  ClusterStatus,
} from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  HubDefinition,
} from '@hostplane/plugin-hostplane-node';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

/** What signs and grants access in a tenant. Held in memory for one issuance; never returned. */
export interface TenantAuthority {
  /** The tenant's root CA, which signs client certificates. */
  caCertPem: string;
  caKeyPem: string;
  /** The CA that signed the API server's serving certificate (what a client trusts). */
  serverCaPem: string;
  /** The tenant's admin credential, for applying RBAC inside the tenant. */
  admin: KubeConfig;
}

/**
 * Reads a tenant's root CA and admin kubeconfig from its hub. Refuses (409) while the cluster is
 * not published yet or is rotating its credentials: a certificate signed by the CA on its way out
 * would stop working when the rotation ends.
 */
export async function readTenantAuthority(
  hub: HubDefinition,
  provider: HostedControlPlaneProvider,
  cluster: ClusterStatus,
): Promise<TenantAuthority> {
  const refs = provider.credentialRefs(cluster);
  const core = hub.kubeConfig().makeApiClient(CoreV1Api);
  const readSecret = (ref: { namespace: string; name: string }, what: string) =>
    core.readNamespacedSecret(ref).catch(error => {
      if ((error as { code?: number }).code === 404) {
        throw new ConflictError(
          `Cluster '${cluster.name}': the ${what} is not published yet (phase ${cluster.phase})`,
        );
      }
      throw error;
    });
  const [caSecret, adminSecret] = await Promise.all([
    readSecret(refs.rootCa, 'root CA'),
    readSecret(refs.adminKubeconfig, 'admin kubeconfig'),
  ]);
  const answered =
    caSecret.metadata?.annotations?.[CREDENTIALS_ROTATION_ANNOTATION];
  if (
    cluster.credentialsRotatedAt &&
    answered !== cluster.credentialsRotatedAt
  ) {
    throw new ConflictError(
      `Cluster '${cluster.name}' is rotating its credentials; try again when the rotation has finished`,
    );
  }
  const decode = (
    data: Record<string, string> | undefined,
    key: string,
    what: string,
  ) => {
    const value = data?.[key];
    if (!value) {
      throw new ConflictError(
        `Cluster '${cluster.name}': the ${what} is not published yet`,
      );
    }
    return Buffer.from(value, 'base64').toString('utf8');
  };
  const caCertPem = decode(caSecret.data, refs.rootCa.certKey, 'root CA');
  const caKeyPem = decode(caSecret.data, refs.rootCa.keyKey, 'root CA key');
  const admin = new KubeConfig();
  admin.loadFromString(
    decode(adminSecret.data, refs.adminKubeconfig.key, 'admin kubeconfig'),
  );
  const serverCaData = admin.getCurrentCluster()?.caData;
  return {
    caCertPem,
    caKeyPem,
    serverCaPem: serverCaData
      ? Buffer.from(serverCaData, 'base64').toString('utf8')
      : caCertPem,
    admin,
  };
}
