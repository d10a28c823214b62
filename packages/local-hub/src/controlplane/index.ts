export { adminKubeconfigSecretName, publishControlPlane } from './publish';
export { controlPlaneNamespace, renderControlPlane } from './render';
export type { ControlPlaneInput } from './render';
