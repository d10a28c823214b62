import fs from 'node:fs';
import path from 'node:path';
import { CREDENTIALS_ROTATION_ANNOTATION } from '@hostplane/plugin-hostplane-common';
import { ServerSideApplier } from '@hostplane/plugin-hostplane-node';
import { parse, stringify } from 'yaml';
import { TenantProcesses } from '../TenantProcesses';
import { controlPlaneNamespace, renderControlPlane } from './render';
import { renderProcessWiring } from './wiring';

/** The Secret HyperShift keeps a HostedCluster's admin kubeconfig in, beside the HostedCluster. */
export function adminKubeconfigSecretName(cluster: string): string {
  return `${cluster}-admin-kubeconfig`;
}

/**
 * Publishes a running tenant in the hub the way HyperShift does: its control-plane namespace
 * (pods that stand for the tenant's processes, its root CA) and the admin kubeconfig Secret
 * beside the HostedCluster; and wires those pods' logs, exec and port-forward to the processes.
 * The credential Secrets name the rotation their contents answer. Returns the Secret's name.
 */
export async function publishControlPlane(
  applier: ServerSideApplier,
  cluster: {
    namespace: string;
    name: string;
    highlyAvailable: boolean;
    releaseImage: string;
  },
  tenant: TenantProcesses,
): Promise<string> {
  const adminKubeconfig = embedCredentialFiles(tenant.kubeconfigPath);
  const credentialsRotation = tenant.credentialsRotation();
  await applier.apply(
    renderControlPlane({
      ...cluster,
      credentialsRotation,
      rootCa: fs.readFileSync(tenant.rootCaPath, 'utf8'),
      // kwokctl keeps the CA's key beside its certificate.
      rootCaKey: fs.readFileSync(
        path.join(path.dirname(tenant.rootCaPath), 'ca.key'),
        'utf8',
      ),
      adminKubeconfig,
    }),
  );
  await applier.apply(
    renderProcessWiring({
      namespace: controlPlaneNamespace(cluster.namespace, cluster.name),
      logFile: component => tenant.criLogPath(component),
      etcdClientPorts: tenant.etcdMembers().map(m => m.clientPort),
      kubeApiserverPort: Number(new URL(tenant.server).port),
    }),
  );
  const secretName = adminKubeconfigSecretName(cluster.name);
  await applier.apply([
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        namespace: cluster.namespace,
        name: secretName,
        ...(credentialsRotation
          ? {
              annotations: {
                [CREDENTIALS_ROTATION_ANNOTATION]: credentialsRotation,
              },
            }
          : {}),
      },
      type: 'Opaque',
      data: { kubeconfig: Buffer.from(adminKubeconfig).toString('base64') },
    } as never,
  ]);
  return secretName;
}

/**
 * kwokctl's kubeconfig names its certificate and key files; HyperShift's admin kubeconfig Secret
 * carries them inline, so it works wherever it is read. Inlines every file reference.
 */
export function embedCredentialFiles(kubeconfigPath: string): string {
  const config = parse(fs.readFileSync(kubeconfigPath, 'utf8'));
  const inline = (section: Record<string, string>, fileKey: string) => {
    const file = section?.[fileKey];
    if (!file) return;
    const resolved = path.resolve(path.dirname(kubeconfigPath), file);
    section[`${fileKey}-data`] = fs.readFileSync(resolved).toString('base64');
    delete section[fileKey];
  };
  for (const { cluster } of config.clusters ?? []) {
    inline(cluster, 'certificate-authority');
  }
  for (const { user } of config.users ?? []) {
    inline(user, 'client-certificate');
    inline(user, 'client-key');
  }
  return stringify(config);
}
