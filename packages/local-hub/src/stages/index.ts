import { nodeStages, podStages } from './coreStages';
import { hostedClusterStages, nodePoolStages } from './hypershiftStages';
import {
  virtualMachineInstanceStages,
  virtualMachineStages,
} from './kubevirtStages';
import { KwokStage, StageTimings } from './types';

export { FAKE_NODE_ANNOTATION } from './coreStages';
export {
  INJECT_FAILURE_ANNOTATION,
  NODE_POOL_STALL,
  VM_BOOT_FAILURE,
  injectedFailure,
} from './failureInjection';
export type { InjectedFailure } from './failureInjection';
export { HOSTED_CLUSTER_FINALIZER, STANDIN_LABEL } from './hypershiftStages';
export { STAGE_LABEL } from './stage';
export { DEMO_TIMINGS, FAST_TIMINGS } from './types';
export type { KwokStage, StageTimings } from './types';

/** Every Stage the local hub runs, in the order they are applied. */
export function renderStages(timings: StageTimings): KwokStage[] {
  return [
    ...nodeStages(timings),
    ...podStages(timings),
    ...hostedClusterStages(timings),
    ...nodePoolStages(timings),
    ...virtualMachineStages(timings),
    ...virtualMachineInstanceStages(timings),
  ];
}
