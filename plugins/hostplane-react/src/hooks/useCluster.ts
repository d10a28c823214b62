import { useReducer } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { ClusterStatus } from '@hostplane/plugin-hostplane-common';
import useAsync from 'react-use/esm/useAsync';
import { hostplaneApiRef } from '../api/HostplaneApi';

/** One cluster as `useCluster` has it. */
export interface ClusterLoad {
  /** The cluster as last answered; kept on screen while it is asked for again. */
  cluster?: ClusterStatus;
  loading: boolean;
  /** Why the last request failed, if it did. */
  error?: Error;
  /** Asks for the cluster again, also while an answer is still on its way. */
  reload(): void;
}

/**
 * Loads one cluster (`GET /clusters/:hub/:name`, with its provider's capabilities). Follow a
 * running operation with `useLiveOperation` and `reload` when it moves, as the cluster's own
 * tabs do.
 */
export function useCluster(hub: string, name: string): ClusterLoad {
  const api = useApi(hostplaneApiRef);
  const [loads, reload] = useReducer((n: number) => n + 1, 0);
  const { value, loading, error } = useAsync(
    () => api.getCluster(hub, name),
    [api, hub, name, loads],
  );
  return { cluster: value, loading, error, reload };
}
