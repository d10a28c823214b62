import { jq, stage, statusPatch } from './stage';
import { KwokStage, StageTimings } from './types';

/** Nodes that KWOK manages carry this annotation; kwokctl's controller selects on it. */
export const FAKE_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

/** A fake node becomes Ready with the capacity it declares, or a generous default. */
export function nodeStages(timings: StageTimings): KwokStage[] {
  return [
    stage({
      name: 'node-ready',
      apiGroup: 'v1',
      kind: 'Node',
      when: [
        jq(`.metadata.annotations["${FAKE_NODE_ANNOTATION}"]`, 'In', ['fake']),
        jq(
          '.status.conditions.[] | select( .type == "Ready" ) | .status',
          'NotIn',
          ['True'],
        ),
      ],
      delayMs: timings.nodeReadyMs,
      steps: [
        statusPatch(`{{ $now := Now }}
phase: Running
conditions:
{{ range NodeConditions }}
- type: {{ .type | Quote }}
  status: {{ .status | Quote }}
  reason: {{ .reason | Quote }}
  message: {{ .message | Quote }}
  lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ $now | Quote }}
{{ end }}
addresses:
- type: InternalIP
  address: {{ NodeIP | Quote }}
- type: Hostname
  address: {{ NodeName | Quote }}
capacity:
{{ with .status.capacity }}{{ YAML . 1 }}{{ else }}  cpu: "32"
  memory: 128Gi
  pods: "110"{{ end }}
allocatable:
{{ with .status.allocatable }}{{ YAML . 1 }}{{ else }}  cpu: "32"
  memory: 128Gi
  pods: "110"{{ end }}
daemonEndpoints:
  kubeletEndpoint:
    Port: {{ NodePort }}
nodeInfo:
  architecture: amd64
  operatingSystem: linux
  kubeletVersion: {{ printf "kwok-%s" Version | Quote }}
  kubeProxyVersion: {{ printf "kwok-%s" Version | Quote }}
  containerRuntimeVersion: {{ printf "kwok-%s" Version | Quote }}
  kernelVersion: {{ printf "kwok-%s" Version | Quote }}
  osImage: ""
  machineID: ""
  systemUUID: ""
  bootID: ""
`),
      ],
    }),
  ];
}

/** A scheduled pod runs every container; a deleted pod goes away once its finalizers are cleared. */
export function podStages(timings: StageTimings): KwokStage[] {
  return [
    stage({
      name: 'pod-running',
      apiGroup: 'v1',
      kind: 'Pod',
      when: [
        jq('.metadata.deletionTimestamp', 'DoesNotExist'),
        jq('.spec.nodeName', 'Exists'),
        jq('.status.phase', 'In', ['Pending']),
      ],
      delayMs: timings.podRunningMs,
      steps: [
        statusPatch(`{{ $now := Now }}
phase: Running
startTime: {{ $now | Quote }}
hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) | Quote }}
conditions:
{{ range list "PodScheduled" "Initialized" "ContainersReady" "Ready" }}
- type: {{ . }}
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
{{ end }}
containerStatuses:
{{ range .spec.containers }}
- name: {{ .name | Quote }}
  image: {{ .image | Quote }}
  imageID: ""
  ready: true
  started: true
  restartCount: 0
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}
`),
      ],
    }),
    stage({
      name: 'pod-delete',
      apiGroup: 'v1',
      kind: 'Pod',
      when: [jq('.metadata.deletionTimestamp', 'Exists')],
      delayMs: 0,
      steps: [{ finalizers: { empty: true } }, { delete: true }],
    }),
  ];
}
