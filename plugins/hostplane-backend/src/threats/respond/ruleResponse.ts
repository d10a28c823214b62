import type {
  ResponseActionRequest,
  ResponsePolicy,
  ResponseTarget,
  ThreatAlert,
  ThreatContext,
} from '@hostplane/plugin-hostplane-common';
import type { RuleResponseKind } from '../rules';

/** Who automatic actions are recorded as taken by. */
export const AUTO_RESPONDER = 'policy:auto';

/** The object an alert is about, as an action's target, when it is one an action can take. */
export function subjectTarget(
  alert: Pick<ThreatAlert, 'subject'>,
): ResponseTarget | undefined {
  const { subject } = alert;
  if (!subject.name) return undefined;
  if (subject.kind === 'pod') {
    return {
      kind: 'Pod',
      namespace: subject.namespace ?? '',
      name: subject.name,
    };
  }
  if (subject.kind === 'binding') {
    return subject.resource === 'clusterrolebindings'
      ? { kind: 'ClusterRoleBinding', name: subject.name }
      : {
          kind: 'RoleBinding',
          namespace: subject.namespace ?? '',
          name: subject.name,
        };
  }
  return undefined;
}

/** A binding of a report's context, as an action's target. */
export function serviceAccountBindingTarget(binding: {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  namespace?: string;
  name: string;
}): ResponseTarget {
  return {
    kind: binding.kind,
    ...(binding.namespace ? { namespace: binding.namespace } : {}),
    name: binding.name,
  };
}

/**
 * The request a rule's `response` makes for one alert, or none when it has nothing to act on.
 * `revokeKubeconfigs` revokes only a credential Hostplane issued: for a service account's token
 * it isolates the pod running as the account (the token was most likely taken from it) instead.
 */
export function ruleResponseRequest(options: {
  alert: Pick<ThreatAlert, 'subject'>;
  response?: RuleResponseKind;
  context: ThreatContext;
  /** Whether Hostplane issued the credential the alert's user acted with. */
  issuedByHostplane: boolean;
}): ResponseActionRequest | undefined {
  const { alert, response, context } = options;
  if (!response) return undefined;
  const podOfContext: ResponseTarget | undefined = context.pod
    ? { kind: 'Pod', namespace: context.pod.namespace, name: context.pod.name }
    : undefined;
  switch (response) {
    case 'isolatePod':
    case 'terminatePod':
    case 'scaleOwnerToZero': {
      const target =
        alert.subject.kind === 'pod' ? subjectTarget(alert) : podOfContext;
      return target ? { kind: response, target } : undefined;
    }
    case 'removeBinding': {
      const target = subjectTarget(alert);
      return target && alert.subject.kind === 'binding'
        ? { kind: response, target }
        : undefined;
    }
    case 'revokeKubeconfigs':
      if (options.issuedByHostplane) return { kind: 'revokeKubeconfigs' };
      return podOfContext
        ? { kind: 'isolatePod', target: podOfContext }
        : undefined;
    default:
      return undefined;
  }
}

/** Whether the cluster's policy has the rule's response carried out without a person. */
export function actsAutomatically(
  policy: ResponsePolicy,
  alert: Pick<ThreatAlert, 'likelihood'>,
): boolean {
  return policy.mode === 'auto' && alert.likelihood >= policy.autoThreshold;
}
