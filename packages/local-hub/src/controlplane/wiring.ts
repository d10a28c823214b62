/**
 * KWOK's ClusterLogs, ClusterExec and ClusterPortForward for a real tenant's control-plane
 * namespace: `kubectl logs` of its pods reads the tenant processes' log files, `kubectl exec`
 * into etcd runs a local etcdctl against the tenant's etcd, and `kubectl port-forward` reaches the
 * tenant's etcd and API server.
 */
export interface ProcessWiringInput {
  /** The control-plane namespace whose pods stand for the processes. */
  namespace: string;
  /** The CRI-format log file of each component's process. */
  logFile: (component: string) => string;
  etcdPort: number;
  kubeApiserverPort: number;
}

export const CONTROL_PLANE_COMPONENTS = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
];

export function renderProcessWiring(input: ProcessWiringInput) {
  const metadata = { name: input.namespace };
  const selector = { matchNamespaces: [input.namespace] };
  return [
    {
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterLogs',
      metadata,
      spec: {
        selector,
        logs: CONTROL_PLANE_COMPONENTS.map(component => ({
          containers: [component],
          logsFile: input.logFile(component),
          follow: true,
        })),
      },
    },
    {
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterExec',
      metadata,
      spec: {
        selector,
        execs: [
          {
            containers: ['etcd'],
            local: {
              envs: [
                {
                  name: 'ETCDCTL_ENDPOINTS',
                  value: `http://127.0.0.1:${input.etcdPort}`,
                },
              ],
            },
          },
        ],
      },
    },
    {
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterPortForward',
      metadata,
      spec: {
        selector,
        forwards: [
          {
            ports: [2379],
            target: { port: input.etcdPort, address: '127.0.0.1' },
          },
          {
            ports: [6443],
            target: { port: input.kubeApiserverPort, address: '127.0.0.1' },
          },
        ],
      },
    },
  ];
}
