import { createContext, useContext } from 'react';
import {
  ClusterChange,
  ClusterStatus,
  Operation,
} from '@hostplane/plugin-hostplane-common';
import { ClusterRef } from '@hostplane/plugin-hostplane-react';

/** One cluster as its entity tabs see it, loaded once by `ClusterFrame`. */
export interface ClusterView {
  clusterRef: ClusterRef;
  cluster: ClusterStatus;
  /** The cluster's latest operations, newest first, with the followed one kept current. */
  operations: Operation[];
  operationsError?: Error;
  /**
   * The operation being followed: the one started here, the one running on the cluster, or else
   * the cluster's latest if it failed.
   */
  operation?: Operation;
  /** Why the followed operation could not be asked for, the last time. */
  operationError?: Error;
  /** Why no change may start now (one is running, the cluster is going away), if so. */
  busyReason?: string;
  /** Why Hostplane will not change this cluster at all, if it will not. */
  unmanagedReason?: string;
  refresh(): void;
  /** Starts a change and follows its operation. Throws the server's refusal. */
  change(change: ClusterChange): Promise<Operation>;
  /** Starts deleting the cluster and follows the operation. Throws the server's refusal. */
  remove(): Promise<Operation>;
  /**
   * Runs a failed operation again from its failed step and follows it. Throws the server's
   * refusal.
   */
  retry(operation: Operation): Promise<Operation>;
}

export const ClusterViewContext = createContext<ClusterView | undefined>(
  undefined,
);

export function useClusterView(): ClusterView {
  const view = useContext(ClusterViewContext);
  if (!view) {
    throw new Error('useClusterView must be used inside a ClusterFrame');
  }
  return view;
}
