export { REAL_DEMO_TENANTS, demoTenants } from './demo';
export {
  DEMO_WORKLOAD,
  KUBERNETES_ID_LABEL,
  listDemoPods,
  renderDemoWorkload,
  seedDemoWorkload,
  waitForDemoPods,
} from './demoWorkload';
export type { DemoWorkload } from './demoWorkload';
export { planTenants, prng, teamName, teamNamespace } from './plan';
export type { PlanOptions, TenantPhase, TenantPlan } from './plan';
export { STATUS_ONLY, releaseImageFor, renderTenant } from './render';
export type { RenderedObject } from './render';
export { applyRealTenants, seedTenants } from './seedTenants';
export { inParallel } from './inParallel';
export { SCALE_HUB, clustersOnHub, startScaleHub } from './scaleHub';
