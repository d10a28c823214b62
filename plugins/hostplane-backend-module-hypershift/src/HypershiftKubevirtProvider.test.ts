import { labelContractViolations } from '@hostplane/plugin-hostplane-node';
import {
  highlyAvailable,
  releases,
  singleReplica,
} from './__fixtures__/clusters';
import { HypershiftKubevirtProvider } from './HypershiftKubevirtProvider';

const provider = new HypershiftKubevirtProvider();

describe('HypershiftKubevirtProvider', () => {
  it('renders the namespace, the HostedCluster and one NodePool per pool', () => {
    const objects = provider.render(highlyAvailable, {
      controlPlane: releases['v1.37.2'],
      nodePools: {},
    });
    expect(objects.map(o => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'Namespace/tenants-team-a',
      'HostedCluster/payments-prod',
      'NodePool/payments-prod-workers',
      'NodePool/payments-prod-gpu',
    ]);
    expect(provider.namespaceFor(highlyAvailable)).toBe('tenants-team-a');
  });

  it("gives each pool its own release, or the control plane's when it has none", () => {
    const objects = provider.render(highlyAvailable, {
      controlPlane: releases['v1.37.2'],
      nodePools: { workers: releases['v1.36.4'] },
    }) as Array<{ kind: string; spec?: any }>;
    expect(objects.map(o => o.spec?.release?.image)).toEqual([
      undefined,
      releases['v1.37.2'].image,
      releases['v1.36.4'].image,
      releases['v1.37.2'].image,
    ]);
  });

  it('renders every pool at zero machines when hibernated', () => {
    const pools = provider
      .render(
        highlyAvailable,
        { controlPlane: releases['v1.37.2'], nodePools: {} },
        { hibernated: true },
      )
      .filter(o => o.kind === 'NodePool') as Array<{ spec?: any }>;
    expect(pools.map(p => [p.spec.replicas, p.spec.autoScaling])).toEqual([
      [0, undefined],
      [0, undefined],
    ]);
  });

  it('watches HostedClusters and NodePools', () => {
    expect(provider.watchedKinds).toEqual([
      {
        apiVersion: 'hypershift.openshift.io/v1beta1',
        kind: 'HostedCluster',
        plural: 'hostedclusters',
      },
      {
        apiVersion: 'hypershift.openshift.io/v1beta1',
        kind: 'NodePool',
        plural: 'nodepools',
      },
    ]);
  });

  it('finds the credentials where HyperShift publishes them', () => {
    expect(
      provider.credentialRefs({
        hub: 'local',
        namespace: 'tenants-team-a',
        name: 'payments-prod',
      }),
    ).toEqual({
      adminKubeconfig: {
        namespace: 'tenants-team-a',
        name: 'payments-prod-admin-kubeconfig',
        key: 'kubeconfig',
      },
      rootCa: {
        namespace: 'tenants-team-a-payments-prod',
        name: 'root-ca',
        certKey: 'ca.crt',
        keyKey: 'ca.key',
      },
    });
  });

  it.each([
    ['two pools', highlyAvailable],
    ['one pool', singleReplica],
  ])('keeps the label contract the engine relies on (%s)', (_name, spec) => {
    expect(
      labelContractViolations(provider, spec, releases['v1.37.2']),
    ).toEqual([]);
  });

  it('needs HyperShift and KubeVirt on the hub', () => {
    expect(
      provider.requiredHubApis.map(api => `${api.resource}.${api.group}`),
    ).toEqual([
      'hostedclusters.hypershift.openshift.io',
      'nodepools.hypershift.openshift.io',
      'virtualmachines.kubevirt.io',
      'virtualmachineinstances.kubevirt.io',
    ]);
  });
});
