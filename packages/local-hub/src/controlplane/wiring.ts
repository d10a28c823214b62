import { memberComponent } from '../EtcdMembers';

/**
 * KWOK's ClusterLogs, ClusterExec and ClusterPortForward for a real tenant's control-plane
 * namespace: `kubectl logs` of its pods reads the tenant processes' log files, `kubectl exec`
 * into etcd runs a local etcdctl against the tenant's etcd, and `kubectl port-forward` reaches the
 * tenant's etcd and API server. They wire the pod `etcd-0` to the first etcd member; each further
 * member gets KWOK's Logs, Exec and PortForward for its own pod (KWOK prefers them to the
 * namespace-wide ones), so `etcd-<i>` is member i.
 */
export interface ProcessWiringInput {
  /** The control-plane namespace whose pods stand for the processes. */
  namespace: string;
  /** The CRI-format log file of each component's process (etcd members: see memberComponent). */
  logFile: (component: string) => string;
  /** The client port of each etcd member, in the order of the etcd pods. */
  etcdClientPorts: number[];
  kubeApiserverPort: number;
}

export const CONTROL_PLANE_COMPONENTS = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
];

const etcdEndpoint = (port: number) => ({
  name: 'ETCDCTL_ENDPOINTS',
  value: `http://127.0.0.1:${port}`,
});

export function renderProcessWiring(input: ProcessWiringInput) {
  const metadata = { name: input.namespace };
  const selector = { matchNamespaces: [input.namespace] };
  const [firstEtcdPort, ...otherEtcdPorts] = input.etcdClientPorts;
  const perMember = otherEtcdPorts.flatMap((port, i) => {
    const index = i + 1;
    const pod = { namespace: input.namespace, name: `etcd-${index}` };
    return [
      {
        apiVersion: 'kwok.x-k8s.io/v1alpha1',
        kind: 'Logs',
        metadata: pod,
        spec: {
          logs: [
            {
              containers: ['etcd'],
              logsFile: input.logFile(memberComponent(index)),
              follow: true,
            },
          ],
        },
      },
      {
        apiVersion: 'kwok.x-k8s.io/v1alpha1',
        kind: 'Exec',
        metadata: pod,
        spec: {
          execs: [
            { containers: ['etcd'], local: { envs: [etcdEndpoint(port)] } },
          ],
        },
      },
      {
        apiVersion: 'kwok.x-k8s.io/v1alpha1',
        kind: 'PortForward',
        metadata: pod,
        spec: {
          forwards: [{ ports: [2379], target: { port, address: '127.0.0.1' } }],
        },
      },
    ];
  });
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
            local: { envs: [etcdEndpoint(firstEtcdPort)] },
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
            target: { port: firstEtcdPort, address: '127.0.0.1' },
          },
          {
            ports: [6443],
            target: { port: input.kubeApiserverPort, address: '127.0.0.1' },
          },
        ],
      },
    },
    ...perMember,
  ];
}
