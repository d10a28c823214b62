import path from 'node:path';
import {
  AUDIT_LOG_COMPONENT,
  logTenantOf,
} from '@hostplane/plugin-hostplane-common';
import { memberComponent } from '../EtcdMembers';
import { CONTROL_PLANE_COMPONENTS } from '../controlplane/wiring';

/** A real tenant whose control-plane logs the collector tails. */
export interface TenantLogFiles {
  namespace: string;
  name: string;
  /** kwokctl's folder of the tenant: its processes write `logs/<component>.log` there. */
  clusterDir: string;
  etcdMembers: number;
}

/** One file the collector tails, the fields each of its lines gets, and the tenant it goes to. */
export interface LogSource {
  file: string;
  fields: {
    hub: string;
    namespace: string;
    cluster: string;
    component: string;
    pod: string;
  };
  tenant: { accountId: number; projectId: number };
}

/**
 * The files of a tenant's control plane: each component's own log (the plain lines the process
 * writes, not the CRI copy KWOK serves), each etcd member's, and the API server's audit log. The
 * pod of an etcd member is the pod it stands behind (`etcd-<i>`); the other components have one
 * process each, whatever number of pods the hub shows for them, so their pod is the component.
 */
export function tenantLogSources(hub: string, tenant: TenantLogFiles) {
  const logsDir = path.join(tenant.clusterDir, 'logs');
  const tenantId = logTenantOf({ hub, ...tenant });
  const source = (file: string, component: string, pod: string) => ({
    file: path.join(logsDir, file),
    fields: {
      hub,
      namespace: tenant.namespace,
      cluster: tenant.name,
      component,
      pod,
    },
    tenant: tenantId,
  });
  const members = Array.from({ length: tenant.etcdMembers }, (_, index) =>
    source(`${memberComponent(index)}.log`, 'etcd', `etcd-${index}`),
  );
  const others = CONTROL_PLANE_COMPONENTS.filter(c => c !== 'etcd').map(
    component => source(`${component}.log`, component, component),
  );
  return [
    ...members,
    ...others,
    source('audit.log', AUDIT_LOG_COMPONENT, 'kube-apiserver'),
  ];
}
