import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import { StepState } from '@hostplane/plugin-hostplane-common';

/** An operation's or a step's state in Backstage's status colours. */
export function OperationState({ state }: { state: StepState }) {
  switch (state) {
    case 'succeeded':
      return <StatusOK>succeeded</StatusOK>;
    case 'failed':
      return <StatusError>failed</StatusError>;
    case 'running':
      return <StatusRunning>running</StatusRunning>;
    default:
      return <StatusPending>pending</StatusPending>;
  }
}
