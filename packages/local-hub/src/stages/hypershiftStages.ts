import {
  PoolMachines,
  failingNodePoolConditions,
  hostedClusterConditions,
  nodePoolConditions,
} from '../upstream/hypershiftConditions';
import {
  NODE_POOL_STALL,
  VM_BOOT_FAILURE,
  isInjected,
} from './failureInjection';
import {
  conditions,
  deleting,
  hasCondition,
  hasConditionForGeneration,
  lacksCondition,
  notDeleting,
  stage,
  replaceStatus,
} from './stage';
import { KwokStage, StageTimings } from './types';

const API_GROUP = 'hypershift.openshift.io/v1beta1';
/** The finalizer HyperShift's operator puts on every HostedCluster it reconciles. */
export const HOSTED_CLUSTER_FINALIZER = 'hypershift.openshift.io/finalizer';

/**
 * Objects with this label are reconciled by the local hub's stand-in operator instead, which
 * writes the same status from what it actually runs; the Stages leave them alone.
 */
export const STANDIN_LABEL = 'hostplane.io/standin';
const notStandin = `!has(self.metadata.labels) || !('${STANDIN_LABEL}' in self.metadata.labels)`;

/** status.version as HyperShift reports it, with one history entry in the given state. */
function versionStatus(state: 'Partial' | 'Completed'): string {
  const times =
    state === 'Completed'
      ? `    startedTime: {{ .metadata.creationTimestamp | Quote }}\n    completionTime: {{ $now | Quote }}`
      : `    startedTime: {{ $now | Quote }}\n    completionTime: null`;
  return `version:
  desired:
    image: {{ .spec.release.image | Quote }}
    version: {{ $version | Quote }}
  observedGeneration: {{ .metadata.generation }}
  availableUpdates: null
  history:
  - state: ${state}
    version: {{ $version | Quote }}
    image: {{ .spec.release.image | Quote }}
${times}
    verified: false`;
}

const hasVersion = `has(self.status) && has(self.status.version) && has(self.status.version.desired)`;
const isAvailable = `has(self.status) && has(self.status.conditions) && self.status.conditions.exists(c, c.type == 'Available' && c.status == 'True')`;

/** The endpoint a status-only control plane reports (nothing listens there). */
const endpoint = `controlPlaneEndpoint:
  host: {{ printf "api.%s.%s.hub.local" .metadata.name .metadata.namespace | Quote }}
  port: 6443`;

/** The release that was running before an upgrade, kept as HyperShift keeps it in the history. */
const previousHistoryEntry = `  - state: Completed
    version: {{ $previous.version | Quote }}
    image: {{ $previous.image | Quote }}
    startedTime: {{ $previous.startedTime | Quote }}
    completionTime: {{ $previous.completionTime | Quote }}
    verified: false`;

/** The release version HyperShift reports: the tag of the release image, without its arch suffix. */
const releaseVersion = `{{ $version := .spec.release.image | splitList ":" | last | trimSuffix "-x86_64" | trimSuffix "-multi" }}`;

/**
 * HostedCluster: accepted (configuration valid, control plane progressing), then Available with
 * the release recorded in the version history, as HyperShift's operator reports it.
 */
export function hostedClusterStages(timings: StageTimings): KwokStage[] {
  return [
    stage({
      name: 'hostedcluster-progressing',
      apiGroup: API_GROUP,
      kind: 'HostedCluster',
      when: [notDeleting, notStandin, lacksCondition('Available')],
      delayMs: 0,
      steps: [
        { finalizers: { add: [{ value: HOSTED_CLUSTER_FINALIZER }] } },
        replaceStatus(`{{ $now := Now }}
${releaseVersion}
conditions:
${conditions(hostedClusterConditions('Provisioning'))}
${versionStatus('Partial')}
`),
      ],
    }),
    stage({
      name: 'hostedcluster-available',
      apiGroup: API_GROUP,
      kind: 'HostedCluster',
      when: [
        notDeleting,
        notStandin,
        hasCondition('Available', 'False', 'WaitingForAvailable'),
      ],
      delayMs: timings.controlPlaneAvailableMs,
      steps: [
        replaceStatus(`{{ $now := Now }}
${releaseVersion}
conditions:
${conditions(hostedClusterConditions('Available'))}
${endpoint}
${versionStatus('Completed')}
`),
      ],
    }),
    stage({
      name: 'hostedcluster-upgrading',
      apiGroup: API_GROUP,
      kind: 'HostedCluster',
      when: [
        notDeleting,
        notStandin,
        isAvailable,
        `${hasVersion} && self.status.version.desired.image != self.spec.release.image`,
      ],
      delayMs: 0,
      steps: [
        replaceStatus(`{{ $now := Now }}
${releaseVersion}
{{ $previous := index .status.version.history 0 }}
conditions:
${conditions(hostedClusterConditions('Updating'))}
${endpoint}
version:
  desired:
    image: {{ .spec.release.image | Quote }}
    version: {{ $version | Quote }}
  observedGeneration: {{ .metadata.generation }}
  availableUpdates: null
  history:
  - state: Partial
    version: {{ $version | Quote }}
    image: {{ .spec.release.image | Quote }}
    startedTime: {{ $now | Quote }}
    completionTime: null
    verified: false
${previousHistoryEntry}
`),
      ],
    }),
    stage({
      name: 'hostedcluster-upgraded',
      apiGroup: API_GROUP,
      kind: 'HostedCluster',
      when: [
        notDeleting,
        notStandin,
        `${hasVersion} && self.status.version.desired.image == self.spec.release.image && self.status.version.history[0].state == 'Partial' && size(self.status.version.history) > 1`,
      ],
      delayMs: timings.controlPlaneAvailableMs,
      steps: [
        replaceStatus(`{{ $now := Now }}
{{ $current := index .status.version.history 0 }}
{{ $previous := index .status.version.history 1 }}
conditions:
${conditions(hostedClusterConditions('Available'))}
${endpoint}
version:
  desired:
    image: {{ .spec.release.image | Quote }}
    version: {{ $current.version | Quote }}
  observedGeneration: {{ .metadata.generation }}
  availableUpdates: null
  history:
  - state: Completed
    version: {{ $current.version | Quote }}
    image: {{ $current.image | Quote }}
    startedTime: {{ $current.startedTime | Quote }}
    completionTime: {{ $now | Quote }}
    verified: false
${previousHistoryEntry}
`),
      ],
    }),
    stage({
      name: 'hostedcluster-delete',
      apiGroup: API_GROUP,
      kind: 'HostedCluster',
      when: [deleting, notStandin],
      delayMs: timings.deletionMs,
      steps: [
        { finalizers: { remove: [{ value: HOSTED_CLUSTER_FINALIZER }] } },
      ],
    }),
  ];
}

/** The NodePool's desired size (spec.replicas, or the autoscaler's minimum) as `$replicas`. */
const desiredReplicasTemplate = `{{ $replicas := 0 }}{{ if .spec.replicas }}{{ $replicas = .spec.replicas }}{{ else if .spec.autoScaling }}{{ $replicas = .spec.autoScaling.min }}{{ end }}`;
/** The machines the NodePool has available now (its status.replicas) as `$current`. */
const currentReplicasTemplate = `{{ $current := 0 }}{{ with .status }}{{ with .replicas }}{{ $current = . }}{{ end }}{{ end }}`;
/** The version the pool's machines last reached: a failure does not take it away. */
const keptVersion = `{{ with .status }}{{ with .version }}version: {{ . | Quote }}{{ end }}{{ end }}`;

/** The pool's machines, named `<pool>-<n>` as the stand-in names their VMs. */
function templateMachines(available: string): PoolMachines {
  return {
    desired: '{{ $replicas }}',
    available,
    each: line =>
      `{{ range $i := until (int $replicas) }}${line(
        '{{ $.metadata.name }}-{{ $i }}',
      )}{{ end }}`,
  };
}

/**
 * NodePool: status.replicas follows the desired size (spec.replicas, or the autoscaler's minimum),
 * with the Ready and AllMachinesReady conditions of the upstream API; a pool with an injected
 * failure (see failureInjection.ts) is reported failing instead, until the annotation goes.
 */
export function nodePoolStages(timings: StageTimings): KwokStage[] {
  const desiredReplicas = `(has(self.spec.replicas) ? self.spec.replicas : (has(self.spec.autoScaling) ? self.spec.autoScaling.min : 0))`;
  const currentReplicas = `(has(self.status) && has(self.status.replicas) ? self.status.replicas : 0)`;
  const failingVmBoot = `${isInjected(
    VM_BOOT_FAILURE,
  )} && ${desiredReplicas} > 0`;
  return [
    stage({
      name: 'nodepool-ready',
      apiGroup: API_GROUP,
      kind: 'NodePool',
      when: [
        notDeleting,
        notStandin,
        `!(${failingVmBoot})`,
        `!${isInjected(NODE_POOL_STALL)}`,
        // Also when the release changes (the pool's machines are replaced at the new version) and
        // when a failure was healed.
        `!has(self.status) || !has(self.status.replicas) || self.status.replicas != ${desiredReplicas} || !self.status.conditions.exists(c, c.type == 'Ready' && c.status == 'True') || !self.status.conditions.exists(c, c.type == 'ValidReleaseImage' && c.message.endsWith(self.spec.release.image))`,
      ],
      delayMs: timings.nodePoolReadyMs,
      steps: [
        replaceStatus(`{{ $now := Now }}
${releaseVersion}
${desiredReplicasTemplate}
replicas: {{ $replicas }}
version: {{ $version | Quote }}
conditions:
${conditions(nodePoolConditions('{{ .spec.release.image }}'))}
`),
      ],
    }),
    stage({
      name: 'nodepool-vm-boot-failed',
      apiGroup: API_GROUP,
      kind: 'NodePool',
      when: [
        notDeleting,
        notStandin,
        failingVmBoot,
        `!(${hasConditionForGeneration(
          'AllMachinesReady',
          'False',
          'VMNotReady',
        )})`,
      ],
      // A boot fails about as late as one succeeds.
      delayMs: timings.vmBootMs,
      steps: [
        replaceStatus(`{{ $now := Now }}
${desiredReplicasTemplate}
replicas: 0
${keptVersion}
conditions:
${conditions(
  failingNodePoolConditions(
    '{{ .spec.release.image }}',
    VM_BOOT_FAILURE,
    templateMachines('0'),
  ),
)}
`),
      ],
    }),
    stage({
      name: 'nodepool-stalled',
      apiGroup: API_GROUP,
      kind: 'NodePool',
      when: [
        notDeleting,
        notStandin,
        isInjected(NODE_POOL_STALL),
        `${currentReplicas} < ${desiredReplicas}`,
        `!(${hasConditionForGeneration(
          'Ready',
          'False',
          'WaitingForAvailableMachines',
        )} && ${hasCondition('AllMachinesReady', 'True')})`,
      ],
      delayMs: timings.nodePoolReadyMs,
      steps: [
        replaceStatus(`{{ $now := Now }}
${desiredReplicasTemplate}
${currentReplicasTemplate}
replicas: {{ $current }}
${keptVersion}
conditions:
${conditions(
  failingNodePoolConditions(
    '{{ .spec.release.image }}',
    NODE_POOL_STALL,
    templateMachines('{{ $current }}'),
  ),
)}
`),
      ],
    }),
  ];
}
