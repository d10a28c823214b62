import { UpstreamCondition } from '../upstream/hypershiftConditions';
import { KwokStage, KwokStageStep, StageSelectorExpression } from './types';

/** Labels every Stage the local hub applies, so it can list and replace its own. */
export const STAGE_LABEL = 'hostplane.io/local-hub-stage';

export interface StageInput {
  name: string;
  apiGroup: string;
  kind: string;
  /** Selectors that must all hold: CEL strings over `self`, or JQ selectors. */
  when: Array<string | StageSelectorExpression>;
  delayMs: number;
  steps: KwokStageStep[];
}

/** Jitter keeps many objects created together from all flipping in the same instant. */
export function stage(input: StageInput): KwokStage {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name: input.name, labels: { [STAGE_LABEL]: 'true' } },
    spec: {
      resourceRef: { apiGroup: input.apiGroup, kind: input.kind },
      selector: {
        matchExpressions: input.when.map(expression =>
          typeof expression === 'string' ? { cel: { expression } } : expression,
        ),
      },
      ...(input.delayMs > 0
        ? {
            delay: {
              durationMilliseconds: input.delayMs,
              jitterDurationMilliseconds: Math.round(input.delayMs * 1.2),
            },
          }
        : {}),
      steps: input.steps,
    },
  };
}

/** A merge patch of the status subresource, rendered by KWOK from a Go template. */
export function statusPatch(template: string): KwokStageStep {
  return {
    patch: { root: 'status', subresource: 'status', type: 'merge', template },
  };
}

/**
 * Replaces the whole status with the rendered template. A JSON patch, because the upstream
 * schemas require some fields to be present as null (a merge patch would delete them).
 */
export function replaceStatus(
  template: string,
  /** False for kinds whose CRD has no status subresource (KubeVirt's VirtualMachineInstance). */
  { subresource = true }: { subresource?: boolean } = {},
): KwokStageStep {
  const indented = template
    .split('\n')
    .map(line => (line ? `    ${line}` : line))
    .join('\n');
  return {
    patch: {
      ...(subresource ? { subresource: 'status' } : {}),
      type: 'json',
      template: `- op: add\n  path: /status\n  value:\n${indented}`,
    },
  };
}

/** A JQ selector: the value of `key` is (or is not) one of `values`. */
export function jq(
  key: string,
  operator: 'In' | 'NotIn',
  values: string[],
): StageSelectorExpression;
export function jq(
  key: string,
  operator: 'Exists' | 'DoesNotExist',
): StageSelectorExpression;
export function jq(
  key: string,
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist',
  values?: string[],
): StageSelectorExpression {
  return { jq: { key, operator, ...(values ? { values } : {}) } };
}

export const notDeleting = '!has(self.metadata.deletionTimestamp)';
export const deleting = 'has(self.metadata.deletionTimestamp)';

/** CEL: the object has no condition of this type yet. */
export function lacksCondition(type: string): string {
  return `!has(self.status) || !has(self.status.conditions) || !self.status.conditions.exists(c, c.type == '${type}')`;
}

/** CEL: the condition of this type has this status (and, if given, this reason). */
export function hasCondition(
  type: string,
  status: 'True' | 'False',
  reason?: string,
): string {
  const reasonClause = reason ? ` && c.reason == '${reason}'` : '';
  return `has(self.status) && has(self.status.conditions) && self.status.conditions.exists(c, c.type == '${type}' && c.status == '${status}'${reasonClause})`;
}

/**
 * CEL: the condition of this type has this status and reason, written for the object's current
 * generation. Stages that hold an object in a state select on its absence, so they fire once per
 * spec change rather than on every update they cause themselves.
 */
export function hasConditionForGeneration(
  type: string,
  status: 'True' | 'False',
  reason: string,
): string {
  return `has(self.status) && has(self.status.conditions) && self.status.conditions.exists(c, c.type == '${type}' && c.status == '${status}' && c.reason == '${reason}' && has(c.observedGeneration) && c.observedGeneration == self.metadata.generation)`;
}

/** metav1.Conditions as Go-template YAML list items; `$now` must be bound in the template. */
export function conditions(list: UpstreamCondition[]): string {
  return list
    .flatMap(c => [
      `- type: ${c.type}`,
      `  status: "${c.status}"`,
      `  reason: ${c.reason}`,
      `  message: ${JSON.stringify(c.message)}`,
      `  lastTransitionTime: {{ $now | Quote }}`,
      `  observedGeneration: {{ .metadata.generation }}`,
    ])
    .join('\n');
}
