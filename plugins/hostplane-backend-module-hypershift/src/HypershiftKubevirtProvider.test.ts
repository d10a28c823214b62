import {
  etcdContractViolations,
  labelContractViolations,
} from '@hostplane/plugin-hostplane-node';
import {
  ETCD_RESTORED_ANNOTATION,
  ETCD_RESTORE_REQUEST_ANNOTATION,
} from '@hostplane/plugin-hostplane-common';
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

  it.each([
    ['two pools', highlyAvailable],
    ['one pool', singleReplica],
  ])(
    'keeps the etcd contract: its pods, and no restore URL in the cache (%s)',
    (_name, spec) => {
      expect(
        etcdContractViolations(
          provider,
          spec,
          releases['v1.37.2'],
          'tenants-team-a',
        ),
      ).toEqual([]);
    },
  );

  it("reaches etcd in the control-plane namespace, one pod per member, with HyperShift's client certificate", () => {
    const status = provider.status('local', [
      provider.render(highlyAvailable, {
        controlPlane: releases['v1.37.2'],
        nodePools: {},
      })[1],
    ])!;
    expect(provider.etcdAccess(status)).toEqual({
      namespace: 'tenants-team-a-payments-prod',
      pods: ['etcd-0', 'etcd-1', 'etcd-2'],
      clientTlsSecret: 'etcd-client-tls',
      encryptionKeySecret: {
        namespace: 'tenants-team-a',
        name: 'payments-prod-etcd-encryption-key',
      },
    });
  });

  it('asks for an in-place restore by annotation, keeps it out of the cache, and reports the restore done', () => {
    const [, hostedCluster] = provider.render(
      singleReplica,
      { controlPlane: releases['v1.37.2'], nodePools: {} },
      {
        etcdRestoreRequest: {
          id: 'r1',
          url: 'https://portal.example/restore-snapshots/t',
        },
      },
    );
    expect(
      JSON.parse(
        hostedCluster.metadata!.annotations![ETCD_RESTORE_REQUEST_ANNOTATION],
      ),
    ).toEqual({ id: 'r1', url: 'https://portal.example/restore-snapshots/t' });
    const answered = {
      ...hostedCluster,
      metadata: {
        ...hostedCluster.metadata,
        annotations: {
          ...hostedCluster.metadata!.annotations,
          [ETCD_RESTORED_ANNOTATION]: 'r1',
        },
      },
    };
    const retained = provider.retain(answered);
    expect(
      retained.metadata!.annotations![ETCD_RESTORE_REQUEST_ANNOTATION],
    ).toBeUndefined();
    expect(provider.status('local', [retained])!.etcdRestoredRequest).toBe(
      'r1',
    );
  });
});
