import { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';

/**
 * Whether a control-plane workload runs its current pod template on every replica, each of them
 * available, and nothing of an older template is left: what HyperShift waits for before it
 * records a release as Completed. The hub's kube-controller-manager does the rolling; these read
 * the status it writes.
 */
export function deploymentRolledOut(deployment: V1Deployment): boolean {
  const wanted = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  return (
    (status.observedGeneration ?? 0) >=
      (deployment.metadata?.generation ?? 1) &&
    (status.updatedReplicas ?? 0) === wanted &&
    (status.replicas ?? 0) === wanted &&
    (status.availableReplicas ?? 0) === wanted
  );
}

/** The same for a StatefulSet, whose pods are replaced one at a time under the same names. */
export function statefulSetRolledOut(statefulSet: V1StatefulSet): boolean {
  const wanted = statefulSet.spec?.replicas ?? 1;
  const status = statefulSet.status ?? { replicas: 0 };
  return (
    (status.observedGeneration ?? 0) >=
      (statefulSet.metadata?.generation ?? 1) &&
    status.updateRevision !== undefined &&
    status.currentRevision === status.updateRevision &&
    (status.updatedReplicas ?? 0) === wanted &&
    status.replicas === wanted &&
    (status.readyReplicas ?? 0) === wanted
  );
}
