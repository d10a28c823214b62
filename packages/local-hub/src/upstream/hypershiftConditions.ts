/**
 * The conditions HyperShift's operators write, by the state a HostedCluster or NodePool is in.
 * Types, reasons and messages are the upstream ones (hypershift api v1beta1 and the operator's
 * messages, including the operator's own spelling of `ReconciliatonSucceeded`). Shared by the KWOK
 * Stages and by the seeded status-only tenants, so both report the same thing.
 */
export interface UpstreamCondition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export type HostedClusterState =
  | 'Provisioning'
  | 'Available'
  | 'Updating'
  | 'Degraded';

const accepted: UpstreamCondition[] = [
  {
    type: 'ValidConfiguration',
    status: 'True',
    reason: 'AsExpected',
    message: 'Configuration passes validation',
  },
  {
    type: 'SupportedHostedCluster',
    status: 'True',
    reason: 'AsExpected',
    message: 'HostedCluster is supported by operator configuration',
  },
  {
    type: 'ValidReleaseImage',
    status: 'True',
    reason: 'AsExpected',
    message: 'Release image is valid',
  },
  {
    type: 'ReconciliationActive',
    status: 'True',
    reason: 'AsExpected',
    message: 'Reconciliation active on resource',
  },
  {
    type: 'ReconciliationSucceeded',
    status: 'True',
    reason: 'ReconciliatonSucceeded',
    message: 'Reconciliation completed successfully',
  },
];

const healthyControlPlane: UpstreamCondition[] = [
  {
    type: 'EtcdAvailable',
    status: 'True',
    reason: 'QuorumAvailable',
    message: 'Etcd has quorum',
  },
  {
    type: 'KubeAPIServerAvailable',
    status: 'True',
    reason: 'AsExpected',
    message: 'Kube APIServer deployment is available',
  },
  {
    type: 'InfrastructureReady',
    status: 'True',
    reason: 'AsExpected',
    message: 'All is well',
  },
  {
    type: 'Available',
    status: 'True',
    reason: 'AsExpected',
    message: 'The hosted control plane is available',
  },
];

const notDegraded: UpstreamCondition = {
  type: 'Degraded',
  status: 'False',
  reason: 'AsExpected',
  message: 'The hosted cluster is not degraded',
};

export function hostedClusterConditions(
  state: HostedClusterState,
): UpstreamCondition[] {
  switch (state) {
    case 'Provisioning':
      return [
        ...accepted,
        {
          type: 'EtcdAvailable',
          status: 'False',
          reason: 'EtcdWaitingForQuorum',
          message: 'Waiting for etcd to reach quorum',
        },
        {
          type: 'KubeAPIServerAvailable',
          status: 'False',
          reason: 'WaitingForAvailable',
          message: 'Waiting for Kube APIServer deployment to become available',
        },
        {
          type: 'Available',
          status: 'False',
          reason: 'WaitingForAvailable',
          message: 'Waiting for hosted control plane to be healthy',
        },
        {
          type: 'Progressing',
          status: 'True',
          reason: 'WaitingForAvailable',
          message: 'HostedCluster is deploying, upgrading, or reconfiguring',
        },
        notDegraded,
      ];
    case 'Available':
      return [
        ...accepted,
        ...healthyControlPlane,
        {
          type: 'Progressing',
          status: 'False',
          reason: 'AsExpected',
          message: 'HostedCluster is at expected version',
        },
        notDegraded,
      ];
    case 'Updating':
      return [
        ...accepted,
        ...healthyControlPlane,
        {
          type: 'Progressing',
          status: 'True',
          reason: 'AsExpected',
          message: 'HostedCluster is deploying, upgrading, or reconfiguring',
        },
        notDegraded,
      ];
    case 'Degraded':
      return [
        ...accepted,
        {
          type: 'EtcdAvailable',
          status: 'True',
          reason: 'QuorumAvailable',
          message: 'Etcd has quorum',
        },
        {
          type: 'KubeAPIServerAvailable',
          status: 'False',
          reason: 'WaitingForAvailable',
          message: 'Waiting for Kube APIServer deployment to become available',
        },
        {
          type: 'InfrastructureReady',
          status: 'True',
          reason: 'AsExpected',
          message: 'All is well',
        },
        {
          type: 'Available',
          status: 'False',
          reason: 'WaitingForAvailable',
          message: 'Waiting for hosted control plane to be healthy',
        },
        {
          type: 'Progressing',
          status: 'False',
          reason: 'AsExpected',
          message: 'HostedCluster is at expected version',
        },
        {
          type: 'Degraded',
          status: 'True',
          reason: 'UnavailableReplicas',
          message: 'kube-apiserver deployment has 1 unavailable replicas',
        },
      ];
    default: {
      const unknown: never = state;
      throw new Error(`Unknown HostedCluster state ${unknown}`);
    }
  }
}

/**
 * What HyperShift reports for a control plane whose health was just probed: Available when etcd
 * has quorum and the API server answers (and Progressing while its workloads roll to a new release
 * or configuration); otherwise Degraded, with the failing part's condition False. An etcd member
 * down while the others keep quorum leaves the control plane Available, and Degraded.
 */
export function probedHostedClusterConditions(
  health: {
    etcd: boolean;
    kubeAPIServer: boolean;
    /** etcd members not healthy; taken as 1 when etcd has no quorum and this is absent. */
    etcdUnavailableMembers?: number;
  },
  rollingOut = false,
): UpstreamCondition[] {
  const unavailableEtcd = (count: number): UpstreamCondition => ({
    type: 'Degraded',
    status: 'True',
    reason: 'EtcdUnavailable',
    message: `etcd statefulset has ${count} unavailable replicas`,
  });
  if (health.etcd && health.kubeAPIServer) {
    const conditions = hostedClusterConditions(
      rollingOut ? 'Updating' : 'Available',
    );
    const down = health.etcdUnavailableMembers ?? 0;
    return down === 0
      ? conditions
      : conditions.map(c =>
          c.type === 'Degraded' ? unavailableEtcd(down) : c,
        );
  }
  return hostedClusterConditions('Degraded').map(c => {
    if (c.type === 'EtcdAvailable' && !health.etcd) {
      return {
        ...c,
        status: 'False',
        reason: 'EtcdWaitingForQuorum',
        message: 'Waiting for etcd to reach quorum',
      };
    }
    if (c.type === 'KubeAPIServerAvailable' && health.kubeAPIServer) {
      return {
        ...c,
        status: 'True',
        reason: 'AsExpected',
        message: 'Kube APIServer deployment is available',
      };
    }
    if (c.type === 'Degraded' && !health.etcd) {
      return unavailableEtcd(health.etcdUnavailableMembers ?? 1);
    }
    return c;
  });
}

/**
 * A NodePool's conditions; a pool whose machines are still coming up reports Ready from its
 * Cluster API MachineDeployment, with CAPI's reason.
 */
export function nodePoolConditions(
  releaseImage: string,
  machinesAvailable = true,
): UpstreamCondition[] {
  if (!machinesAvailable) {
    return [
      {
        type: 'ValidReleaseImage',
        status: 'True',
        reason: 'AsExpected',
        message: `Using release image: ${releaseImage}`,
      },
      {
        type: 'AllMachinesReady',
        status: 'False',
        reason: 'WaitingForAvailableMachines',
        message: 'Machines are being provisioned',
      },
      {
        type: 'Ready',
        status: 'False',
        reason: 'WaitingForAvailableMachines',
        message:
          'Minimum availability requires machines that are not available yet',
      },
    ];
  }
  return [
    {
      type: 'ValidReleaseImage',
      status: 'True',
      reason: 'AsExpected',
      message: `Using release image: ${releaseImage}`,
    },
    {
      type: 'UpdatingVersion',
      status: 'False',
      reason: 'AsExpected',
      message: '',
    },
    {
      type: 'UpdatingConfig',
      status: 'False',
      reason: 'AsExpected',
      message: '',
    },
    {
      type: 'AllMachinesReady',
      status: 'True',
      reason: 'AsExpected',
      message: 'All is well',
    },
    {
      type: 'AllNodesHealthy',
      status: 'True',
      reason: 'AsExpected',
      message: 'All is well',
    },
    { type: 'Ready', status: 'True', reason: 'AsExpected', message: '' },
  ];
}

/**
 * A NodePool's machines as its conditions count and name them. Strings, so that the KWOK Stages
 * can pass template expressions that render them from the NodePool itself.
 */
export interface PoolMachines {
  /** How many machines the pool asks for. */
  desired: string;
  /** How many of them are available. */
  available: string;
  /** Renders `line` once for each machine the pool asks for, given the machine's name. */
  each: (line: (machine: string) => string) => string;
}

/**
 * A NodePool that has failed the way `failure` (see failureInjection.ts in the stages) makes it
 * fail, as HyperShift reports it. `vm-boot`: HyperShift aggregates its Cluster API machines'
 * readiness into AllMachinesReady (`<n> of <m> machines are not ready`, one line per machine with
 * the KubeVirt provider's reason `VMNotReady` and the VM's printable status) and the machines'
 * missing nodes into AllNodesHealthy. `stall`: the machines it has are fine, but fewer than it
 * asks for are available. Either way Ready comes from the MachineDeployment, which is short of
 * its minimum availability.
 */
export function failingNodePoolConditions(
  releaseImage: string,
  failure: 'vm-boot' | 'stall',
  machines: PoolMachines,
): UpstreamCondition[] {
  const notAvailable: UpstreamCondition = {
    type: 'Ready',
    status: 'False',
    reason: 'WaitingForAvailableMachines',
    message: `Minimum availability requires ${machines.desired} replicas, current ${machines.available} available`,
  };
  const [released, ...rest] = nodePoolConditions(releaseImage);
  if (failure === 'stall') {
    return [released, ...rest.filter(c => c.type !== 'Ready'), notAvailable];
  }
  return [
    released,
    ...rest.filter(c => c.type.startsWith('Updating')),
    {
      type: 'AllMachinesReady',
      status: 'False',
      reason: 'VMNotReady',
      message: `${machines.desired} of ${
        machines.desired
      } machines are not ready\n${machines.each(
        machine =>
          `Machine ${machine}: VMNotReady: VM is not ready: CrashLoopBackOff\n`,
      )}`,
    },
    {
      type: 'AllNodesHealthy',
      status: 'False',
      reason: 'NodeProvisioning',
      message: machines.each(
        machine => `Machine ${machine}: NodeProvisioning\n`,
      ),
    },
    notAvailable,
  ];
}
