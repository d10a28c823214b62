import { KubernetesObject } from '@kubernetes/client-node';
import { ClusterSpec } from '@hostplane/plugin-hostplane-common';
import { clusterLabels, ownerAnnotations } from './metadata';
import { tenantNamespace } from './namespace';

/** The key of HyperShift's audit webhook Secret that holds the kubeconfig (upstream's name). */
export const AUDIT_WEBHOOK_KUBECONFIG_KEY = 'webhook-kubeconfig';

/**
 * HyperShift's audit profile that logs request bodies of writes: what the threat rules read of
 * pods, bindings, roles and ConfigMaps. Reads stay at metadata.
 */
export const AUDIT_PROFILE = 'WriteRequestBodies';

export function auditWebhookSecretName(clusterName: string): string {
  return `${clusterName}-audit-webhook`;
}

/** The `spec` fields of a HostedCluster that send its audit events to the webhook. */
export function auditWebhookFields(clusterName: string) {
  return {
    auditWebhook: { name: auditWebhookSecretName(clusterName) },
    configuration: { apiServer: { audit: { profile: AUDIT_PROFILE } } },
  };
}

/**
 * The Secret `spec.auditWebhook` names: a kubeconfig whose server is the cluster's own webhook
 * URL and whose credential is the cluster's own token. It is a credential: it goes to the hub
 * only, never into logs or the cache.
 */
export function renderAuditWebhookSecret(
  spec: ClusterSpec,
  webhook: { url: string; token: string },
): KubernetesObject & { type: string; stringData: Record<string, string> } {
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'hostplane', cluster: { server: webhook.url } }],
    users: [{ name: 'hostplane', user: { token: webhook.token } }],
    contexts: [
      {
        name: 'hostplane',
        context: { cluster: 'hostplane', user: 'hostplane' },
      },
    ],
    'current-context': 'hostplane',
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      namespace: tenantNamespace(spec),
      name: auditWebhookSecretName(spec.name),
      labels: clusterLabels(spec),
      annotations: ownerAnnotations(spec),
    },
    type: 'Opaque',
    stringData: { [AUDIT_WEBHOOK_KUBECONFIG_KEY]: JSON.stringify(kubeconfig) },
  };
}
