import type {
  ResponseActionRequest,
  ResponseSuggestion,
  ThreatAlert,
  ThreatContext,
} from '@hostplane/plugin-hostplane-common';
import type {
  V1ClusterRoleBinding,
  V1RoleBinding,
} from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { isTrustedImage } from '../likelihood';
import type { RuleResponseKind } from '../rules';
import { restorable } from './plan';
import { quarantineLabel, quarantinePolicy } from './quarantine';
import {
  ruleResponseRequest,
  serviceAccountBindingTarget,
} from './ruleResponse';

/**
 * What a report offers a person to apply for an alert: each suggestion a ready request for the
 * actions route, with the YAML of what it would create, change or delete. The rule's own
 * response, when it has one for this alert, comes first.
 */

export interface SuggestionInputs {
  alert: ThreatAlert;
  response?: RuleResponseKind;
  context: ThreatContext;
  /** The binding the alert is about, as read from the tenant. */
  binding?: V1RoleBinding | V1ClusterRoleBinding;
  issuedByHostplane: boolean;
  trustedRegistries: string[];
}

const MAX_POD_SUGGESTIONS = 3;

function yamlOf(...objects: unknown[]): string {
  return objects.map(o => stringify(o)).join('---\n');
}

function sameRequest(a: ResponseActionRequest, b: ResponseActionRequest) {
  return (
    a.kind === b.kind &&
    a.target?.kind === b.target?.kind &&
    a.target?.namespace === b.target?.namespace &&
    a.target?.name === b.target?.name &&
    a.manifest === b.manifest
  );
}

function podSuggestions(
  inputs: SuggestionInputs,
  pod: NonNullable<ThreatContext['pod']>,
): ResponseSuggestion[] {
  const target = { kind: 'Pod', namespace: pod.namespace, name: pod.name };
  const where = `${pod.namespace}/${pod.name}`;
  const suggestions: ResponseSuggestion[] = [
    {
      title: `Isolate pod ${where}`,
      why: 'A deny-all NetworkPolicy cuts the pod off from the network in both directions while it is investigated; the pod keeps running, and the isolation can be reverted.',
      request: { kind: 'isolatePod', target, dryRun: false },
      yaml: yamlOf(
        quarantineLabel(pod.namespace, pod.name, inputs.alert.id),
        quarantinePolicy(pod.namespace, pod.name, inputs.alert.id),
      ),
    },
  ];
  if (pod.privileged || pod.hostPaths.length) {
    suggestions.push({
      title: `Terminate pod ${where}`,
      why: `The pod ${
        pod.privileged ? 'is privileged' : 'mounts host paths'
      } and can take over its node; deleting it ends whatever runs in it. This cannot be undone.`,
      request: { kind: 'terminatePod', target, dryRun: false },
    });
  }
  if (pod.owner && pod.owner.kind !== 'Node') {
    suggestions.push({
      title: `Scale ${pod.owner.kind} ${pod.owner.name} to zero`,
      why: `The pod is recreated by its ${pod.owner.kind} as long as it has replicas; scaling it to zero stops every copy, and the revert restores the replicas it had.`,
      request: { kind: 'scaleOwnerToZero', target, dryRun: false },
    });
  }
  for (const image of pod.images.filter(
    i => !isTrustedImage(i, inputs.trustedRegistries),
  )) {
    const repository = image.split('/').pop()!.split(/[:@]/)[0];
    suggestions.push({
      title: `Patch image ${image}`,
      why: `${image} comes from a registry outside the trusted ones (${inputs.trustedRegistries.join(
        ', ',
      )}): rebuild it from a reviewed base, push it to a trusted registry and roll the workload onto it. Until then, the pod is stopped.`,
      request: pod.owner
        ? { kind: 'scaleOwnerToZero', target, dryRun: false }
        : { kind: 'terminatePod', target, dryRun: false },
      yaml: yamlOf({
        image: {
          replace: image,
          with: `${
            inputs.trustedRegistries[0] ?? 'registry.example.com'
          }/${repository}:<patched tag>`,
        },
      }),
    });
  }
  return suggestions;
}

function bindingSuggestions(
  binding: V1RoleBinding | V1ClusterRoleBinding,
): ResponseSuggestion[] {
  const kind = binding.kind ?? 'ClusterRoleBinding';
  const name = binding.metadata?.name ?? '';
  const namespace = binding.metadata?.namespace;
  const suggestions: ResponseSuggestion[] = [
    {
      title: `Remove ${kind} ${[namespace, name].filter(Boolean).join('/')}`,
      why: `It grants ${binding.roleRef.kind} ${binding.roleRef.name}; removing it takes the role away from its subjects. The binding is recorded and the removal can be reverted.`,
      request: {
        kind: 'removeBinding',
        target: { kind, ...(namespace ? { namespace } : {}), name },
        dryRun: false,
      },
      yaml: `# Deleted:\n${yamlOf(restorable(binding))}`,
    },
  ];
  // A service account given cluster-wide power is offered the edit role in its own namespace.
  const accounts = (binding.subjects ?? []).filter(
    s => s.kind === 'ServiceAccount' && (s.namespace ?? namespace),
  );
  if (binding.roleRef.name === 'cluster-admin') {
    for (const account of accounts.slice(0, MAX_POD_SUGGESTIONS)) {
      const accountNamespace = account.namespace ?? namespace!;
      const reduced: V1RoleBinding = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: {
          name: `${account.name}-edit`.slice(0, 253),
          namespace: accountNamespace,
        },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'edit',
        },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: account.name,
            namespace: accountNamespace,
          },
        ],
      };
      const manifest = stringify(reduced);
      suggestions.push({
        title: `Grant ${accountNamespace}/${account.name} edit in its namespace instead`,
        why: 'What a workload usually needs: the objects of its own namespace, not every permission of the cluster. Apply it with the removal above.',
        request: { kind: 'applyManifest', manifest, dryRun: false },
        yaml: manifest,
      });
    }
  }
  return suggestions;
}

export function suggestionsFor(inputs: SuggestionInputs): ResponseSuggestion[] {
  const { alert, context } = inputs;
  const suggestions: ResponseSuggestion[] = [];
  if (alert.subject.kind === 'user' && inputs.issuedByHostplane) {
    suggestions.push({
      title: 'Revoke the kubeconfigs Hostplane issued',
      why: `${alert.subject.user} acted with a certificate Hostplane issued. Kubernetes cannot revoke one client certificate, so the cluster's client CA is rotated: every kubeconfig issued so far stops working. This cannot be undone.`,
      request: { kind: 'revokeKubeconfigs', dryRun: false },
    });
  }
  if (context.pod) suggestions.push(...podSuggestions(inputs, context.pod));
  if (
    alert.subject.kind === 'binding' &&
    inputs.binding &&
    context.binding?.exists
  ) {
    suggestions.push(...bindingSuggestions(inputs.binding));
  }
  // A stolen service account token: the account's cluster-admin grants are what it is worth.
  for (const binding of (context.serviceAccountBindings ?? [])
    .filter(b => b.role === 'ClusterRole/cluster-admin')
    .slice(0, MAX_POD_SUGGESTIONS)) {
    suggestions.push({
      title: `Remove ${binding.kind} ${binding.name}`,
      why: `It makes ${alert.subject.user} cluster-admin: whoever holds the account's token can do anything in the cluster.`,
      request: {
        kind: 'removeBinding',
        target: serviceAccountBindingTarget(binding),
        dryRun: false,
      },
    });
  }
  const own = ruleResponseRequest(inputs);
  if (!own) return suggestions;
  const index = suggestions.findIndex(s =>
    sameRequest(s.request, { ...own, dryRun: false }),
  );
  if (index <= 0) return suggestions;
  return [suggestions[index], ...suggestions.filter((_, i) => i !== index)];
}
