import { Entity } from '@backstage/catalog-model';
import { TestApiProvider } from '@backstage/test-utils';
import {
  CLUSTER_ANNOTATION,
  ClusterStatus,
  HUB_ANNOTATION,
} from '@hostplane/plugin-hostplane-common';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { HostplaneApi, clusterRefOf, hostplaneApiRef, useCluster } from '.';

/*
 * How another plugin puts a card on a cluster's entity page with this package alone: it maps the
 * entity to its cluster and loads the cluster through the hook; the app provides the API.
 */

function MachinesCount({ hub, name }: { hub: string; name: string }) {
  const { cluster, error, reload } = useCluster(hub, name);
  if (error)
    return (
      <p>
        Could not load {name}: {error.message}
      </p>
    );
  if (!cluster) return <p>Loading…</p>;
  const machines = cluster.nodePools.reduce(
    (sum, pool) => sum + pool.currentReplicas,
    0,
  );
  return (
    <>
      <p>
        {cluster.name} runs {machines} machines
      </p>
      <button onClick={reload}>Refresh</button>
    </>
  );
}

function MachinesCard({ entity }: { entity: Entity }) {
  const clusterRef = clusterRefOf(entity);
  if (!clusterRef) return <p>Not a Hostplane cluster</p>;
  return <MachinesCount hub={clusterRef.hub} name={clusterRef.name} />;
}

function clusterEntity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'payments.local', annotations },
    spec: { type: 'kubernetes-cluster', owner: 'group:default/team-a' },
  };
}

const payments = clusterEntity({
  [HUB_ANNOTATION]: 'local',
  [CLUSTER_ANNOTATION]: 'payments',
});

function clusterWith(...machines: number[]): ClusterStatus {
  return {
    hub: 'local',
    name: 'payments',
    namespace: 'tenants-team-a',
    owner: 'group:default/team-a',
    phase: 'Ready',
    nodePools: machines.map((currentReplicas, i) => ({
      name: `pool-${i}`,
      phase: 'Ready',
      currentReplicas,
      conditions: [],
    })),
    conditions: [],
    deletionProtection: false,
    labels: {},
  };
}

function renderCard(entity: Entity, api: Partial<HostplaneApi>) {
  return render(
    <TestApiProvider apis={[[hostplaneApiRef, api]]}>
      <MachinesCard entity={entity} />
    </TestApiProvider>,
  );
}

describe('a card of another plugin on a cluster page', () => {
  it("shows the entity's cluster, loaded through the Hostplane API, and loads it again when asked", async () => {
    const getCluster = jest
      .fn()
      .mockResolvedValueOnce(clusterWith(2, 1))
      .mockResolvedValueOnce(clusterWith(2, 4));
    renderCard(payments, { getCluster });

    expect(
      await screen.findByText('payments runs 3 machines'),
    ).toBeInTheDocument();
    expect(getCluster).toHaveBeenCalledWith('local', 'payments');

    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(
      await screen.findByText('payments runs 6 machines'),
    ).toBeInTheDocument();
    expect(getCluster).toHaveBeenCalledTimes(2);
  });

  it('says why the cluster could not be loaded', async () => {
    renderCard(payments, {
      getCluster: async () => {
        throw new Error('hub local is unreachable');
      },
    });
    expect(
      await screen.findByText(
        'Could not load payments: hub local is unreachable',
      ),
    ).toBeInTheDocument();
  });

  it('asks for nothing for an entity that is not a Hostplane cluster', async () => {
    const getCluster = jest.fn();
    renderCard(clusterEntity({ [HUB_ANNOTATION]: 'local' }), { getCluster });
    expect(screen.getByText('Not a Hostplane cluster')).toBeInTheDocument();
    await waitFor(() => expect(getCluster).not.toHaveBeenCalled());
  });
});
