import { useReducer } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import useAsync from 'react-use/esm/useAsync';
import { useClusterView } from '../common/ClusterViewContext';

/**
 * The cluster's backups and its etcd members' health, asked for again when the followed operation
 * starts or ends (a backup lands in the list, a defragmentation shrinks a member) and on `reload`.
 * A reload keeps what was loaded on screen until the new answer is in.
 */
export function useEtcdData() {
  const api = useApi(hostplaneApiRef);
  const { clusterRef, operation } = useClusterView();
  const { hub, name } = clusterRef;
  const [loads, reload] = useReducer((n: number) => n + 1, 0);
  const operationState = operation ? `${operation.id}:${operation.state}` : '';
  const backups = useAsync(
    () => api.listBackups(hub, name),
    [api, hub, name, loads, operationState],
  );
  const health = useAsync(
    () => api.getEtcdHealth(hub, name),
    [api, hub, name, loads, operationState],
  );
  return { backups, health, reload };
}
