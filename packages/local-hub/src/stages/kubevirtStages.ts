import { VM_BOOT_FAILURE, isInjected } from './failureInjection';
import { notDeleting, stage, replaceStatus } from './stage';
import { KwokStage, StageTimings } from './types';

const API_GROUP = 'kubevirt.io/v1';

const runs = `(has(self.spec.runStrategy) && self.spec.runStrategy in ['Always', 'RerunOnFailure', 'Once']) || (has(self.spec.running) && self.spec.running)`;
/** The stand-in marks the VMs (and VMIs) of a NodePool with an injected boot failure. */
const failsToBoot = isInjected(VM_BOOT_FAILURE);
const printableStatusIn = (...states: string[]) =>
  `has(self.status) && has(self.status.printableStatus) && self.status.printableStatus in [${states
    .map(s => `'${s}'`)
    .join(', ')}]`;

/** A KubeVirt VirtualMachineCondition as a Go-template YAML list item; `$now` must be bound. */
function vmCondition(
  status: 'True' | 'False',
  reason: string,
  message: string,
): string {
  return [
    `- type: Ready`,
    `  status: "${status}"`,
    ...(reason
      ? [`  reason: ${reason}`, `  message: ${JSON.stringify(message)}`]
      : []),
    `  lastProbeTime: null`,
    `  lastTransitionTime: {{ $now | Quote }}`,
  ].join('\n');
}

/**
 * VirtualMachine: Starting when asked to run, Running and Ready once the guest boots, Stopped when
 * halted: the printableStatus values and Ready condition of kubevirt.io/api core/v1. One whose
 * boot fails is in KubeVirt's CrashLoopBackOff, with the failures counted in startFailure.
 */
export function virtualMachineStages(timings: StageTimings): KwokStage[] {
  return [
    stage({
      name: 'virtualmachine-starting',
      apiGroup: API_GROUP,
      kind: 'VirtualMachine',
      when: [
        notDeleting,
        runs,
        `!${failsToBoot}`,
        `!(${printableStatusIn('Starting', 'Running')})`,
      ],
      delayMs: 0,
      steps: [
        replaceStatus(`{{ $now := Now }}
printableStatus: Starting
created: true
ready: false
conditions:
${vmCondition(
  'False',
  'GuestNotRunning',
  'Guest VM is not reported as running',
)}
`),
      ],
    }),
    stage({
      name: 'virtualmachine-running',
      apiGroup: API_GROUP,
      kind: 'VirtualMachine',
      when: [
        notDeleting,
        runs,
        `!${failsToBoot}`,
        printableStatusIn('Starting'),
      ],
      delayMs: timings.vmBootMs,
      steps: [
        replaceStatus(`{{ $now := Now }}
printableStatus: Running
created: true
ready: true
conditions:
${vmCondition('True', '', '')}
`),
      ],
    }),
    stage({
      name: 'virtualmachine-boot-failed',
      apiGroup: API_GROUP,
      kind: 'VirtualMachine',
      when: [
        notDeleting,
        runs,
        failsToBoot,
        `!(${printableStatusIn('CrashLoopBackOff')})`,
      ],
      delayMs: timings.vmBootMs,
      steps: [
        replaceStatus(`{{ $now := Now }}
printableStatus: CrashLoopBackOff
created: true
ready: false
startFailure:
  consecutiveFailCount: 1
  retryAfterTimestamp: {{ $now | Quote }}
conditions:
${vmCondition(
  'False',
  'GuestNotRunning',
  'Guest VM is not reported as running',
)}
`),
      ],
    }),
    stage({
      name: 'virtualmachine-stopped',
      apiGroup: API_GROUP,
      kind: 'VirtualMachine',
      when: [notDeleting, `!(${runs})`, `!(${printableStatusIn('Stopped')})`],
      delayMs: 0,
      steps: [
        replaceStatus(`{{ $now := Now }}
printableStatus: Stopped
created: false
ready: false
conditions:
${vmCondition('False', 'VMINotExists', 'VMI does not exist')}
`),
      ],
    }),
  ];
}

/**
 * VirtualMachineInstance: Scheduled, then Running with a Ready condition once the guest boots, or
 * Failed when it cannot boot (a Failed VMI is final; KubeVirt replaces it with a new one).
 */
export function virtualMachineInstanceStages(
  timings: StageTimings,
): KwokStage[] {
  return [
    stage({
      name: 'virtualmachineinstance-running',
      apiGroup: API_GROUP,
      kind: 'VirtualMachineInstance',
      when: [
        notDeleting,
        `!${failsToBoot}`,
        `!has(self.status) || !has(self.status.phase) || self.status.phase in ['', 'Pending', 'Scheduling', 'Scheduled']`,
      ],
      delayMs: timings.vmBootMs,
      steps: [
        replaceStatus(
          `{{ $now := Now }}
phase: Running
conditions:
${vmCondition('True', '', '')}
`,
          { subresource: false },
        ),
      ],
    }),
    stage({
      name: 'virtualmachineinstance-boot-failed',
      apiGroup: API_GROUP,
      kind: 'VirtualMachineInstance',
      when: [
        notDeleting,
        failsToBoot,
        `!has(self.status) || !has(self.status.phase) || self.status.phase != 'Failed'`,
      ],
      delayMs: timings.vmBootMs,
      steps: [
        replaceStatus(
          `{{ $now := Now }}
phase: Failed
conditions:
${vmCondition(
  'False',
  'GuestNotRunning',
  'Guest VM is not reported as running',
)}
`,
          { subresource: false },
        ),
      ],
    }),
  ];
}
