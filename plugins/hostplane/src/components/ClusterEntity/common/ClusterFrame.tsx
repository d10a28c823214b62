import { ReactNode, useReducer, useState } from 'react';
import { Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { ClusterStatus, Operation } from '@hostplane/plugin-hostplane-common';
import useAsync from 'react-use/esm/useAsync';
import { hostplaneApiRef } from '../../../api';
import {
  CLUSTER_ANNOTATION,
  ClusterRef,
  HUB_ANNOTATION,
  clusterRefOf,
} from './clusterRef';
import { ClusterView, ClusterViewContext } from './ClusterViewContext';
import { operationLabel } from './operationLabels';
import { ServerErrorPanel } from './ServerErrorPanel';
import { useLiveOperation } from './useLiveOperation';

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
  const [clusterLoads, reloadCluster] = useReducer((n: number) => n + 1, 0);
  const [operationLoads, reloadOperations] = useReducer(
    (n: number) => n + 1,
    0,
  );
  const cluster = useAsync(
    () => api.getCluster(hub, name),
    [api, hub, name, clusterLoads],
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

  if (!cluster.value) {
    return cluster.error ? (
      <ServerErrorPanel error={cluster.error} />
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
    cluster: cluster.value,
    operations: withLive(operations.value?.items ?? [], live.operation),
    operationsError: operations.error,
    operation: live.operation,
    operationError: live.error,
    busyReason: busyReason(cluster.value, live.operation),
    unmanagedReason: cluster.value.spec
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
      {cluster.error && <ServerErrorPanel error={cluster.error} />}
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
