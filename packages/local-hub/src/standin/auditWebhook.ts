import fs from 'node:fs';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';

/**
 * What HyperShift does with a HostedCluster's `spec.auditWebhook`: the Secret it names holds a
 * kubeconfig (key `webhook-kubeconfig`) that the tenant's kube-apiserver posts its audit events
 * to, in batches. The audit policy follows `spec.configuration.apiServer.audit.profile`.
 */

/** HyperShift's key in the audit webhook Secret. */
export const AUDIT_WEBHOOK_KUBECONFIG_KEY = 'webhook-kubeconfig';

export interface TenantAuditWebhook {
  /** The kubeconfig file the API server reads (`--audit-webhook-config-file`). */
  kubeconfigPath: string;
  /** The audit policy for the profile, as an `audit.k8s.io/v1` Policy object. */
  policy: object;
}

type AuditProfile =
  | 'Default'
  | 'WriteRequestBodies'
  | 'AllRequestBodies'
  | 'None';

/**
 * The audit policy for an OpenShift audit profile, first match wins. Every profile leaves out
 * events and leases (controllers' heartbeats: noise, many a second) and logs secrets and token
 * requests at metadata only, so no secret value leaves the API server. `WriteRequestBodies`
 * adds the request bodies of writes (the threat rules read pod specs, bindings, roles and
 * ConfigMaps); `AllRequestBodies` those of reads too.
 */
export function auditPolicyFor(profile: AuditProfile): object {
  if (profile === 'None') {
    return {
      apiVersion: 'audit.k8s.io/v1',
      kind: 'Policy',
      rules: [{ level: 'None' }],
    };
  }
  const quiet = [
    { level: 'None', resources: [{ group: '', resources: ['events'] }] },
    {
      level: 'None',
      resources: [{ group: 'events.k8s.io', resources: ['events'] }],
    },
    {
      level: 'None',
      resources: [{ group: 'coordination.k8s.io', resources: ['leases'] }],
    },
    {
      level: 'None',
      nonResourceURLs: [
        '/healthz*',
        '/livez*',
        '/readyz*',
        '/openapi*',
        '/metrics',
      ],
      users: ['system:kube-probe', 'system:apiserver'],
    },
  ];
  const metadataOnly = {
    level: 'Metadata',
    resources: [
      { group: '', resources: ['secrets', 'serviceaccounts/token'] },
      { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
    ],
  };
  const bodiesByProfile: Record<AuditProfile, object[]> = {
    Default: [],
    WriteRequestBodies: [
      { level: 'Request', verbs: ['create', 'update', 'patch'] },
    ],
    AllRequestBodies: [{ level: 'Request' }],
    None: [],
  };
  const bodies = bodiesByProfile[profile];
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [...quiet, metadataOnly, ...bodies, { level: 'Metadata' }],
  };
}

/** The kube-apiserver flags for a webhook: batches sent within a second. */
export function auditWebhookArgs(
  webhook: TenantAuditWebhook,
): Record<string, string> {
  return {
    'audit-webhook-config-file': webhook.kubeconfigPath,
    'audit-webhook-mode': 'batch',
    'audit-webhook-batch-max-wait': '1s',
  };
}

export class AuditWebhookSecretMissingError extends Error {}

/**
 * The tenant's audit webhook from its HostedCluster, its kubeconfig written to `filePath`
 * (owner-only). Undefined without `spec.auditWebhook`; throws while the Secret or its key is
 * missing, as HyperShift does not start a control plane without it.
 */
export async function tenantAuditWebhook(
  hc: { metadata?: { namespace?: string }; spec?: any },
  core: CoreV1Api,
  filePath: string,
): Promise<TenantAuditWebhook | undefined> {
  const secretName: string | undefined = hc.spec?.auditWebhook?.name;
  if (!secretName) return undefined;
  const namespace = hc.metadata!.namespace!;
  let data: Record<string, string> | undefined;
  try {
    data = (await core.readNamespacedSecret({ namespace, name: secretName }))
      .data;
  } catch {
    data = undefined;
  }
  const encoded = data?.[AUDIT_WEBHOOK_KUBECONFIG_KEY];
  if (!encoded) {
    throw new AuditWebhookSecretMissingError(
      `audit webhook Secret ${namespace}/${secretName} has no '${AUDIT_WEBHOOK_KUBECONFIG_KEY}' yet`,
    );
  }
  fs.mkdirSync(path.dirname(filePath), { recursive: true });
  fs.writeFileSync(filePath, Buffer.from(encoded, 'base64'), { mode: 0o600 });
  const profile: AuditProfile =
    hc.spec?.configuration?.apiServer?.audit?.profile ?? 'Default';
  return { kubeconfigPath: filePath, policy: auditPolicyFor(profile) };
}
