import { useState } from 'react';
import Box from '@material-ui/core/Box';
import { Operation } from '@hostplane/plugin-hostplane-common';
import { useClusterView } from './ClusterViewContext';
import { GuardedButton } from './GuardedButton';
import { ServerErrorPanel } from './ServerErrorPanel';
import { useRetryBlock } from './useActionBlock';

/**
 * Runs a failed operation again from its failed step, and follows it. Offered only while it is
 * the cluster's latest operation: once another has started, running this one again would undo
 * or contradict it (and the server refuses while the other runs).
 */
export function RetryOperation({ operation }: { operation: Operation }) {
  const { operations } = useClusterView();
  if (operation.state !== 'failed' || operations[0]?.id !== operation.id) {
    return null;
  }
  return <RetryButton operation={operation} />;
}

function RetryButton({ operation }: { operation: Operation }) {
  const view = useClusterView();
  const blockedReason = useRetryBlock(operation);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error>();

  const retry = async () => {
    setPending(true);
    setError(undefined);
    try {
      await view.retry(operation);
    } catch (e) {
      setError(e as Error);
    } finally {
      setPending(false);
    }
  };

  return (
    <Box my={2}>
      <GuardedButton
        variant="contained"
        color="primary"
        blockedReason={blockedReason}
        disabled={pending}
        onClick={retry}
      >
        Retry
      </GuardedButton>
      {error && (
        <Box mt={2}>
          <ServerErrorPanel error={error} />
        </Box>
      )}
    </Box>
  );
}
