import path from 'node:path';
import { expectToMatchGolden } from '@hostplane/local-hub';
import {
  CLUSTER_LABEL,
  OWNER_LABEL,
  SPEC_ANNOTATION,
  clusterSpecSchema,
} from '@hostplane/plugin-hostplane-common';
import {
  highlyAvailable,
  releases,
  singleReplica,
  withSshKey,
} from '../__fixtures__/clusters';
import { renderHostedCluster } from './hostedCluster';

describe('renderHostedCluster', () => {
  it.each([
    ['single-replica', singleReplica],
    ['highly-available', highlyAvailable],
  ])('renders a %s cluster as in the golden file', (name, spec) => {
    expectToMatchGolden(
      renderHostedCluster(spec, releases['v1.37.2']),
      path.join(__dirname, '__testdata__', `hosted-cluster-${name}.yaml`),
    );
  });

  it('keeps the spec in an annotation the schema reads back unchanged', () => {
    const annotation = renderHostedCluster(highlyAvailable, releases['v1.37.2'])
      .metadata!.annotations![SPEC_ANNOTATION];
    expect(clusterSpecSchema.parse(JSON.parse(annotation))).toEqual(
      highlyAvailable,
    );
  });

  it('leaves the SSH public key out of the annotation and the HostedCluster', () => {
    const rendered = renderHostedCluster(withSshKey, releases['v1.37.2']);
    const { sshPublicKey, ...rest } = withSshKey;
    expect(
      JSON.parse(rendered.metadata!.annotations![SPEC_ANNOTATION]),
    ).toEqual(rest);
    expect(JSON.stringify(rendered)).not.toContain(sshPublicKey!.split(' ')[1]);
    expect((rendered as any).spec.sshKey).toEqual({
      name: 'payments-ssh-ssh-key',
    });
  });

  it("does not let a user label replace Hostplane's labels", () => {
    const labels = renderHostedCluster(
      {
        ...singleReplica,
        labels: { [CLUSTER_LABEL]: 'someone-else', team: 'a' },
      },
      releases['v1.37.2'],
    ).metadata!.labels;
    expect(labels).toEqual({
      team: 'a',
      [CLUSTER_LABEL]: 'payments-dev',
      [OWNER_LABEL]: 'team-a',
    });
  });

  it('renders a cluster made from a backup with its restoreSnapshotURL, as in the golden file', () => {
    expectToMatchGolden(
      renderHostedCluster(
        {
          ...singleReplica,
          restoreFrom: {
            hub: 'local',
            cluster: 'payments-old',
            backupId: '20261208T101500Z-a1b2c3',
          },
        },
        releases['v1.37.2'],
        {
          etcdRestoreSnapshotURL:
            'https://portal.example/api/hostplane/restore-snapshots/token',
        },
      ),
      path.join(__dirname, '__testdata__', 'hosted-cluster-restored.yaml'),
    );
  });
});
