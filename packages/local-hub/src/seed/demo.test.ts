import { demoTenants } from './demo';

describe('demoTenants', () => {
  it('shows a new user two teams and tenants in every state the portal distinguishes', () => {
    const tenants = demoTenants();
    expect(new Set(tenants.map(t => t.owner))).toEqual(
      new Set(['team-a', 'team-b']),
    );
    expect(new Set(tenants.map(t => t.phase))).toEqual(
      new Set(['Ready', 'Updating', 'Hibernated', 'Degraded', 'Provisioning']),
    );
    expect(new Set(tenants.map(t => `${t.namespace}/${t.name}`)).size).toBe(
      tenants.length,
    );
  });
});
