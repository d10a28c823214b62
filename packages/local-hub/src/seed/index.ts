export { REAL_DEMO_TENANTS, demoTenants } from './demo';
export { planTenants, prng, teamName, teamNamespace } from './plan';
export type { PlanOptions, TenantPhase, TenantPlan } from './plan';
export { STATUS_ONLY, releaseImageFor, renderTenant } from './render';
export { applyRealTenants, seedTenants } from './seedTenants';
