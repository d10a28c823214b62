export { adminKubeconfigSecretName, publishControlPlane } from './publish';
export {
  RELEASE_IMAGE_ANNOTATION,
  controlPlaneNamespace,
  renderControlPlane,
} from './render';
export type { ControlPlaneInput } from './render';
export { CONTROL_PLANE_COMPONENTS, renderProcessWiring } from './wiring';
export { machineName, planMachines, renderMachine } from './machines';
export type { MachineInput, PoolPlan } from './machines';
export type { ProcessWiringInput } from './wiring';
