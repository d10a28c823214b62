import { KwokStage, KwokStageStep } from './types';

/** Labels every Stage the local hub applies, so it can list and replace its own. */
export const STAGE_LABEL = 'hostplane.io/local-hub-stage';

export interface StageInput {
  name: string;
  apiGroup: string;
  kind: string;
  /** CEL expressions over `self`, all of which must hold. */
  when: string[];
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
        matchExpressions: input.when.map(expression => ({ cel: { expression } })),
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
  return { patch: { root: 'status', subresource: 'status', type: 'merge', template } };
}

export const notDeleting = '!has(self.metadata.deletionTimestamp)';
export const deleting = 'has(self.metadata.deletionTimestamp)';

/** CEL: the object has no condition of this type yet. */
export function lacksCondition(type: string): string {
  return `!has(self.status) || !has(self.status.conditions) || !self.status.conditions.exists(c, c.type == '${type}')`;
}

/** CEL: the condition of this type has this status (and, if given, this reason). */
export function hasCondition(type: string, status: 'True' | 'False', reason?: string): string {
  const reasonClause = reason ? ` && c.reason == '${reason}'` : '';
  return `has(self.status) && has(self.status.conditions) && self.status.conditions.exists(c, c.type == '${type}' && c.status == '${status}'${reasonClause})`;
}

/** A metav1.Condition as a Go-template YAML list item; `$now` must be bound in the template. */
export function condition(type: string, status: 'True' | 'False', reason: string, message: string): string {
  return [
    `- type: ${type}`,
    `  status: "${status}"`,
    `  reason: ${reason}`,
    `  message: ${JSON.stringify(message)}`,
    `  lastTransitionTime: {{ $now | Quote }}`,
    `  observedGeneration: {{ .metadata.generation }}`,
  ].join('\n');
}
