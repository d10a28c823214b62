import {
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  loadYaml,
} from '@kubernetes/client-node';
import { useTestHub } from '@hostplane/local-hub';
import { ClusterSpec, OWNER_LABEL } from '@hostplane/plugin-hostplane-common';
import {
  highlyAvailable,
  releases,
  singleReplica,
} from '../__fixtures__/clusters';
import { renderHostedCluster } from './hostedCluster';
import { renderNamespace } from './namespace';
import { renderNodePool } from './nodePool';
import { secretsFor } from './secrets';

jest.setTimeout(300_000);

type AnyObject = KubernetesObject & { spec?: any };

const release = releases['v1.37.2'];

/** The generated Secrets as the engine creates them. */
function secretObjects(spec: ClusterSpec): KubernetesObject[] {
  return secretsFor(spec).map(
    secret =>
      ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          namespace: secret.namespace,
          name: secret.name,
          ...secret.metadata,
        },
        type: secret.type,
        stringData: secret.generate(),
      } as KubernetesObject),
  );
}

function nodePools(spec: ClusterSpec, hibernated = false): AnyObject[] {
  return spec.nodePools.map(pool =>
    renderNodePool(spec, pool, release, { hibernated }),
  );
}

/**
 * Every rendered object against a real kube-apiserver with the upstream CRDs: server-side apply
 * with dryRun=All runs the full schema and CEL validation without storing anything.
 */
describe('rendered objects on a hub with the upstream CRDs', () => {
  const context = useTestHub('hypershift-render');
  let client: KubernetesObjectApi;

  /** Server-side apply, as the engine does; in wire form, as the engine's applier explains. */
  function apply(object: KubernetesObject, dryRun?: 'All') {
    return client.patch(
      loadYaml<KubernetesObject>(JSON.stringify(object)),
      undefined,
      dryRun,
      'hostplane',
      true,
      PatchStrategy.ServerSideApply,
    );
  }

  function read(object: KubernetesObject) {
    return client.read({
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: {
        name: object.metadata!.name!,
        namespace: object.metadata!.namespace,
      },
    }) as Promise<AnyObject>;
  }

  async function expectAcceptedByDryRun(objects: KubernetesObject[]) {
    for (const object of objects) {
      await expect(apply(object, 'All')).resolves.toMatchObject({
        kind: object.kind,
        metadata: { name: object.metadata!.name },
      });
    }
  }

  beforeAll(async () => {
    client = KubernetesObjectApi.makeApiClient(context.hub.kubeConfig());
  });

  // Created for real: a dry run of an object in a namespace that does not exist fails.
  it('creates the namespace (namespace.yaml)', async () => {
    await apply(renderNamespace(singleReplica));
    await expect(read(renderNamespace(singleReplica))).resolves.toMatchObject({
      metadata: { labels: { [OWNER_LABEL]: 'team-a' } },
    });
  });

  it.each([
    ['hosted-cluster-single-replica.yaml', singleReplica],
    ['hosted-cluster-highly-available.yaml', highlyAvailable],
  ])('accepts the HostedCluster of %s', async (_golden, spec) => {
    await expectAcceptedByDryRun([renderHostedCluster(spec, release)]);
  });

  it.each([
    ['node-pools-single-replica.yaml', singleReplica, false],
    ['node-pools-highly-available.yaml', highlyAvailable, false],
    ['node-pools-hibernated.yaml', highlyAvailable, true],
  ])('accepts the NodePools of %s', async (_golden, spec, hibernated) => {
    await expectAcceptedByDryRun(nodePools(spec, hibernated));
  });

  it.each([
    ['secrets-single-replica.yaml', singleReplica],
    ['secrets-highly-available.yaml', highlyAvailable],
  ])('accepts the Secrets of %s', async (_golden, spec) => {
    await expectAcceptedByDryRun(secretObjects(spec));
  });

  it('takes pools into hibernation and back by server-side apply', async () => {
    const [, autoscaled] = nodePools(highlyAvailable);
    await apply(autoscaled);
    // The applier owns autoScaling, so leaving it out of the hibernated pool removes it; the
    // CRD refuses a pool with both replicas and autoScaling.
    await apply(nodePools(highlyAvailable, true)[1]);
    expect((await read(autoscaled)).spec).toMatchObject({ replicas: 0 });
    expect((await read(autoscaled)).spec.autoScaling).toBeUndefined();
    await apply(autoscaled);
    expect((await read(autoscaled)).spec).toMatchObject({
      autoScaling: { min: 1, max: 5 },
    });
    expect((await read(autoscaled)).spec.replicas).toBeUndefined();
  });

  describe('refuses what the CRDs do not allow', () => {
    it('a HostedCluster with an unknown network type', async () => {
      const hostedCluster = renderHostedCluster(
        singleReplica,
        release,
      ) as AnyObject;
      hostedCluster.spec.networking.networkType = 'Flannel';
      await expect(apply(hostedCluster, 'All')).rejects.toThrow(
        // The status body is quoted inside the error message, quotes escaped.
        /spec\.networking\.networkType: Unsupported value: \W*Flannel/,
      );
    });

    it('a NodePool that autoscales from zero (the CRD wants at least one)', async () => {
      const [, autoscaled] = nodePools(highlyAvailable);
      autoscaled.spec.autoScaling.min = 0;
      await expect(apply(autoscaled, 'All')).rejects.toThrow(
        /spec\.autoScaling\.min: Invalid value: 0/,
      );
    });

    it('a NodePool with both a fixed size and autoscaling (a CEL rule)', async () => {
      const [, autoscaled] = nodePools(highlyAvailable);
      autoscaled.spec.replicas = 2;
      await expect(apply(autoscaled, 'All')).rejects.toThrow(
        /Both replicas or autoScaling should not be set/,
      );
    });
  });
});
