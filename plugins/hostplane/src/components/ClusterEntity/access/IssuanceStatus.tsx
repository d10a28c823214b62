import {
  StatusAborted,
  StatusError,
  StatusOK,
} from '@backstage/core-components';
import { KubeconfigIssuance } from '@hostplane/plugin-hostplane-common';

/** Whether an issued kubeconfig still works: revoked by a rotation, expired, or valid. */
export function IssuanceStatus({
  issuance,
  now = Date.now(),
}: {
  issuance: KubeconfigIssuance;
  now?: number;
}) {
  if (issuance.revoked) {
    return <StatusError>Revoked (credentials rotated)</StatusError>;
  }
  if (new Date(issuance.expiresAt).getTime() <= now) {
    return <StatusAborted>Expired</StatusAborted>;
  }
  return <StatusOK>Valid</StatusOK>;
}
