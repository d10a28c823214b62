/** The upstream API groups a hub must serve for Hostplane to run tenant clusters on it. */
export const REQUIRED_HUB_APIS = [
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
] as const;

/** What the portal shows about one configured hub. Never carries credentials. */
export interface HubStatus {
  name: string;
  /** The API server URL. */
  server: string;
  reachable: boolean;
  /** The hub's Kubernetes version (`/version`'s gitVersion) when reachable. */
  kubernetesVersion?: string;
  /** Required APIs the hub does not serve, as `resource.group`. */
  missingApis: string[];
  /** Why the hub could not be reached or checked. */
  error?: string;
}

export interface HubListResponse {
  items: HubStatus[];
}
