import {
  ResponseAction,
  ResponseActionKind,
  ResponseTarget,
} from '@hostplane/plugin-hostplane-common';

export const ACTION_KIND_LABELS: Record<ResponseActionKind, string> = {
  isolatePod: 'Isolate the pod',
  terminatePod: 'Terminate the pod',
  scaleOwnerToZero: "Scale the pod's owner to zero",
  removeBinding: 'Remove the binding',
  revokeKubeconfigs: 'Revoke the kubeconfigs',
  applyManifest: 'Apply a manifest',
};

export const ACTION_STATUS_LABELS: Record<ResponseAction['status'], string> = {
  pending: 'in progress',
  done: 'done',
  failed: 'failed',
  reverted: 'reverted',
  dryRun: 'dry run',
};

/** `Pod shop/web-1`. */
export function targetText(target: ResponseTarget | undefined): string {
  if (!target) return '';
  return `${target.kind} ${target.namespace ? `${target.namespace}/` : ''}${
    target.name
  }`;
}

/** `Isolate the pod (Pod shop/web-1)`: what an action does, and to what. */
export function actionText(
  action: Pick<ResponseAction, 'kind' | 'target'>,
): string {
  const label = ACTION_KIND_LABELS[action.kind];
  return action.target ? `${label} (${targetText(action.target)})` : label;
}

/** Who took an action: a user, or the cluster's automatic policy. */
export function actorText(by: string): string {
  return by === 'policy:auto' ? 'the automatic response policy' : by;
}
