import path from 'node:path';
import { expectToMatchGolden } from '../testing/golden';
import { TenantPlan } from './plan';
import { renderTenant } from './render';

const base: TenantPlan = {
  namespace: 'tenants-team-001',
  name: 'cluster-00001',
  owner: 'team-001',
  kubernetesVersion: 'v1.37.2',
  phase: 'Ready',
  highlyAvailable: true,
  pools: [
    { name: 'workers', replicas: 3 },
    { name: 'batch', replicas: 2 },
  ],
};

describe('renderTenant', () => {
  it.each<[string, Partial<TenantPlan>]>([
    ['ready', {}],
    ['provisioning', { phase: 'Provisioning', highlyAvailable: false }],
    ['updating', { phase: 'Updating', previousVersion: 'v1.36.4' }],
    ['degraded', { phase: 'Degraded' }],
    ['hibernated', { phase: 'Hibernated' }],
  ])('renders a %s tenant as in the golden file', (name, change) => {
    expectToMatchGolden(
      renderTenant({ ...base, ...change }, new Date('2026-11-01T12:00:00Z')),
      path.join(__dirname, '__testdata__', `tenant-${name}.yaml`),
    );
  });
});
