import { ReactNode, useReducer, useState } from 'react';
import { Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  CLUSTER_ANNOTATION,
  ClusterStatus,
  HUB_ANNOTATION,
  Operation,
} from '@hostplane/plugin-hostplane-common';
import {
  ClusterRef,
  clusterRefOf,
  hostplaneApiRef,
  useCluster,
  useLiveOperation,
} from '@hostplane/plugin-hostplane-react';
import useAsync from 'react-use/esm/useAsync';
import { ClusterView, ClusterViewContext } from './ClusterViewContext';
import { operationLabel } from './operationLabels';
import { ServerErrorPanel } from './ServerErrorPanel';

/** How many of the cluster's operations the tabs load (the Overview lists them). */
export const RECENT_OPERATIONS = 10;

/**
 * Loads the entity's cluster and its operations for one tab, follows the running operation (or
 * shows the latest one if it failed) and hands all of it to the tab through `useClusterView`.
 */
export function ClusterFrame({ children }: { children: ReactNode }) {
  const { entity } = useEntity();
  const clusterRef = clusterRefOf(entity);
  if (!clusterRef) {
    return (
      <WarningPanel
        title="Not a Hostplane cluster"
        message={`This entity has no ${HUB_ANNOTATION} and ${CLUSTER_ANNOTATION} annotations.`}
      />
    );
  }
  return <ClusterLoader clusterRef={clusterRef}>{children}</ClusterLoader>;
}

function ClusterLoader({
  clusterRef,
  children,
}: {
  clusterRef: ClusterRef;
  children: ReactNode;
}) {
  const api = useApi(hostplaneApiRef);
  const { hub, name } = clusterRef;
  // Reloading keeps what was loaded on screen until the new answer is in.
  const {
    cluster,
    error: clusterError,
    reload: reloadCluster,
  } = useCluster(hub, name);
  const [operationLoads, reloadOperations] = useReducer(
    (n: number) => n + 1,
    0,
  );
  const operations = useAsync(
    () => api.listOperations({ hub, cluster: name, limit: RECENT_OPERATIONS }),
    [api, hub, name, operationLoads],
  );
  const [started, setStarted] = useState<Operation>();
  const latest = operations.value?.items[0];
  const live = useLiveOperation(
    started ??
      operations.value?.items.find(o => o.state === 'running') ??
      // A failed latest operation stays in view, to be retried, until another one starts.
      (latest?.state === 'failed' ? latest : undefined),
    next => {
      reloadCluster();
      if (next.state !== 'running') reloadOperations();
    },
  );

  if (!cluster) {
    return clusterError ? (
      <ServerErrorPanel error={clusterError} />
    ) : (
      <Progress />
    );
  }

  const follow = (operation: Operation) => {
    setStarted(operation);
    reloadCluster();
    return operation;
  };
  const view: ClusterView = {
    clusterRef,
    cluster,
    operations: withLive(operations.value?.items ?? [], live.operation),
    operationsError: operations.error,
    operation: live.operation,
    operationError: live.error,
    busyReason: busyReason(cluster, live.operation),
    unmanagedReason: cluster.spec
      ? undefined
      : `Hostplane did not create ${name} (it carries no spec): it can be viewed here but not changed`,
    refresh: () => {
      reloadCluster();
      reloadOperations();
    },
    change: async change => follow(await api.changeCluster(hub, name, change)),
    remove: async () => follow(await api.deleteCluster(hub, name)),
    retry: async operation => follow(await api.retryOperation(operation.id)),
  };
  return (
    <ClusterViewContext.Provider value={view}>
      {clusterError && <ServerErrorPanel error={clusterError} />}
      {children}
    </ClusterViewContext.Provider>
  );
}

function busyReason(
  cluster: ClusterStatus,
  operation: Operation | undefined,
): string | undefined {
  if (operation?.state === 'running') {
    return `${operationLabel(operation)} (${
      operation.id
    }) is running; wait for it to finish`;
  }
  if (cluster.phase === 'Deleting') return `${cluster.name} is being deleted`;
  return undefined;
}

/** The list with the followed operation in its latest state (first, if the list has not got it). */
function withLive(items: Operation[], live: Operation | undefined) {
  if (!live) return items;
  return items.some(o => o.id === live.id)
    ? items.map(o => (o.id === live.id ? live : o))
    : [live, ...items];
}
