import { EtcdAccess, HubDefinition } from '@hostplane/plugin-hostplane-node';
import { HubEtcd } from '../etcd';
import { ClusterEtcd } from './etcdServices';

/** A cluster's etcd as the steps use it, through its hub (`HubEtcd`). */
export function hubClusterEtcd(
  hub: HubDefinition,
  access: EtcdAccess,
): ClusterEtcd {
  const etcd = new HubEtcd(hub.kubeConfig(), {
    namespace: access.namespace,
    pods: access.pods,
    clientTlsSecret: access.clientTlsSecret,
  });
  return {
    members: () => etcd.members(),
    snapshot: async pod => {
      const snapshot = await etcd.snapshot(pod);
      return { stream: snapshot.stream, ...snapshot.info };
    },
    defragment: async pod => {
      await etcd.defragment(pod);
    },
    compact: revision => etcd.compact(revision),
    revision: () => etcd.revision(),
    disarm: async alarm => {
      for (const raised of await etcd.alarms()) {
        if (raised.alarm === alarm) await etcd.disarm(raised);
      }
    },
    memberRemove: id => etcd.memberRemove(id),
  };
}
