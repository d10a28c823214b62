import { TenantPlan, teamNamespace } from './plan';

function demoTenant(
  owner: string,
  name: string,
  phase: TenantPlan['phase'],
  extra: Partial<TenantPlan> = {},
): TenantPlan {
  return {
    namespace: teamNamespace(owner),
    name,
    owner,
    kubernetesVersion: 'v1.37.2',
    phase,
    highlyAvailable: false,
    pools: [{ name: 'workers', replicas: 2 }],
    ...extra,
  };
}

/** Demo tenants that run real control-plane processes; the others are status-only. */
export const REAL_DEMO_TENANTS = ['payments-prod', 'payments-staging'];

/** The tenants a new user finds in the portal: two teams, one tenant in each state. */
export function demoTenants(): TenantPlan[] {
  return [
    demoTenant('team-a', 'payments-prod', 'Ready', {
      highlyAvailable: true,
      pools: [
        { name: 'workers', replicas: 3 },
        { name: 'batch', replicas: 2 },
      ],
    }),
    demoTenant('team-a', 'payments-staging', 'Ready'),
    demoTenant('team-a', 'payments-canary', 'Updating', {
      previousVersion: 'v1.36.4',
    }),
    demoTenant('team-a', 'payments-sandbox', 'Hibernated'),
    demoTenant('team-b', 'search-prod', 'Degraded', { highlyAvailable: true }),
    demoTenant('team-b', 'search-dev', 'Provisioning', {
      kubernetesVersion: 'v1.36.4',
    }),
  ];
}
