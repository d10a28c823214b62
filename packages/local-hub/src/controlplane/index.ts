export { adminKubeconfigSecretName, publishControlPlane } from './publish';
export { controlPlaneNamespace, renderControlPlane } from './render';
export type { ControlPlaneInput } from './render';
export { CONTROL_PLANE_COMPONENTS, renderProcessWiring } from './wiring';
export { machineName, renderMachine } from './machines';
export type { MachineInput } from './machines';
export type { ProcessWiringInput } from './wiring';
