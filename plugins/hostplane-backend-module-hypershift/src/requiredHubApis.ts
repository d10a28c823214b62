import { RequiredHubApi } from '@hostplane/plugin-hostplane-node';

/** What a hub needs for HyperShift on KubeVirt: HyperShift's resources and KubeVirt's machines. */
export const REQUIRED_HUB_APIS: readonly RequiredHubApi[] = [
  {
    group: 'hypershift.openshift.io',
    resource: 'hostedclusters',
    project: 'HyperShift',
  },
  {
    group: 'hypershift.openshift.io',
    resource: 'nodepools',
    project: 'HyperShift',
  },
  { group: 'kubevirt.io', resource: 'virtualmachines', project: 'KubeVirt' },
  {
    group: 'kubevirt.io',
    resource: 'virtualmachineinstances',
    project: 'KubeVirt',
  },
];
