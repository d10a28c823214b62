import type { V1NetworkPolicy, V1Pod } from '@kubernetes/client-node';

/** The label an isolated pod carries; its value names the action that isolated it. */
export const QUARANTINE_LABEL = 'hostplane.io/quarantine';

const MAX_NAME = 253;

/** The NetworkPolicy that isolates a pod, named after it (cut to the longest object name). */
export function quarantinePolicyName(pod: string): string {
  return `hostplane-quarantine-${pod}`.slice(0, MAX_NAME).replace(/[-.]+$/, '');
}

/**
 * A deny-all NetworkPolicy for the pods labelled with `actionId`: it lists both policy types and
 * no rule, so no traffic is allowed in or out of them.
 */
export function quarantinePolicy(
  namespace: string,
  pod: string,
  actionId: string,
): V1NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: quarantinePolicyName(pod),
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'hostplane' },
      annotations: { 'hostplane.io/quarantined-pod': pod },
    },
    spec: {
      podSelector: { matchLabels: { [QUARANTINE_LABEL]: actionId } },
      policyTypes: ['Ingress', 'Egress'],
    },
  };
}

/**
 * The server-side apply configuration that puts the quarantine label on a pod. It names the
 * label only, so the field manager owns that one field; applying the pod's bare identity later
 * takes it away again.
 */
export function quarantineLabel(
  namespace: string,
  pod: string,
  actionId: string,
): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod,
      namespace,
      labels: { [QUARANTINE_LABEL]: actionId },
    },
  };
}
