import { CustomObjectsApi } from '@kubernetes/client-node';
import { OWNER_LABEL } from '@hostplane/plugin-hostplane-common';
import { LOCAL_HUB_FIELD_MANAGER, LocalHub } from '../LocalHub';
import { useTestHub } from '../testing/useTestHub';
import { planTenants } from './plan';
import { seedTenants } from './seedTenants';

jest.setTimeout(300_000);

describe('seedTenants against the local hub', () => {
  const context = useTestHub('seed-test');
  let hub: LocalHub;
  beforeAll(() => {
    hub = context.hub;
  });

  const list = async (plural: string, labelSelector?: string) =>
    (
      await hub
        .kubeConfig()
        .makeApiClient(CustomObjectsApi)
        .listCustomObjectForAllNamespaces({
          group: 'hypershift.openshift.io',
          version: 'v1beta1',
          plural,
          labelSelector,
        })
    ).items as any[];

  it('creates status-only tenants the API server accepts, idempotently, and leaves their status alone', async () => {
    const plans = planTenants({ count: 60, teams: 4, seed: 3 });
    await seedTenants(hub.kubeConfig(), plans, {
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
    });
    await seedTenants(hub.kubeConfig(), plans, {
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
    });

    const clusters = await list('hostedclusters');
    expect(clusters).toHaveLength(60);
    const pools = await list('nodepools');
    expect(pools).toHaveLength(plans.reduce((n, p) => n + p.pools.length, 0));
    expect(
      await list('hostedclusters', `${OWNER_LABEL}=team-002`),
    ).toHaveLength(15);

    // The KWOK stages skip stand-in tenants: a Provisioning one stays as seeded.
    await new Promise(resolve => setTimeout(resolve, 2_000));
    const available = (name: string) =>
      (
        clusters.find(c => c.metadata.name === name) ?? {}
      ).status?.conditions?.find(
        (c: { type: string }) => c.type === 'Available',
      )?.status;
    const provisioning = plans.find(p => p.phase === 'Provisioning')!;
    const afterWait = (await list('hostedclusters')).find(
      c => c.metadata.name === provisioning.name,
    );
    expect(available(provisioning.name)).toBe('False');
    expect(
      afterWait.status.conditions.find(
        (c: { type: string }) => c.type === 'Available',
      ).status,
    ).toBe('False');
    const ready = plans.find(p => p.phase === 'Ready')!;
    expect(available(ready.name)).toBe('True');
  });
});
