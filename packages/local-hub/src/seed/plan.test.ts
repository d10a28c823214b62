import { planTenants } from './plan';

describe('planTenants', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(planTenants({ count: 200, seed: 7 })).toEqual(
      planTenants({ count: 200, seed: 7 }),
    );
    expect(planTenants({ count: 200, seed: 7 })).not.toEqual(
      planTenants({ count: 200, seed: 8 }),
    );
  });

  it('spreads 10,000 tenants over a few hundred teams with a realistic mix', () => {
    const plans = planTenants({ count: 10_000 });
    const teams = new Set(plans.map(p => p.owner));
    expect(teams.size).toBeGreaterThanOrEqual(200);
    expect(teams.size).toBeLessThanOrEqual(400);
    expect(new Set(plans.map(p => p.name)).size).toBe(10_000);

    const share = (predicate: (p: (typeof plans)[number]) => boolean) =>
      plans.filter(predicate).length / plans.length;
    expect(share(p => p.phase === 'Ready')).toBeGreaterThan(0.7);
    for (const phase of [
      'Provisioning',
      'Updating',
      'Degraded',
      'Hibernated',
    ]) {
      expect(share(p => p.phase === phase)).toBeGreaterThan(0.02);
    }
    expect(new Set(plans.map(p => p.kubernetesVersion)).size).toBe(4);
    expect(share(p => p.highlyAvailable)).toBeGreaterThan(0.2);
    expect(plans.every(p => p.pools.length >= 1 && p.pools.length <= 3)).toBe(
      true,
    );
  });

  it('gives every updating tenant an older version to move from, when one exists', () => {
    // v1.34.8 is the oldest version planned: there is none older to move from.
    const updatingFromOlder = planTenants({ count: 2_000 }).filter(
      p => p.phase === 'Updating' && p.kubernetesVersion !== 'v1.34.8',
    );
    expect(updatingFromOlder.length).toBeGreaterThan(0);
    for (const plan of updatingFromOlder) {
      expect(plan.previousVersion! < plan.kubernetesVersion).toBe(true);
    }
  });
});
