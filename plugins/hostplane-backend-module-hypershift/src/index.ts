/**
 * Hostplane's hosted-control-plane provider for HyperShift on the KubeVirt platform.
 *
 * @packageDocumentation
 */
export { hostplaneModuleHypershift as default } from './module';
export { HypershiftKubevirtProvider } from './HypershiftKubevirtProvider';
export {
  AUDIT_WEBHOOK_KUBECONFIG_KEY,
  auditWebhookSecretName,
  renderAuditWebhookSecret,
} from './render/auditWebhook';
