import { hostedClusterStatus, releaseVersion } from './status';

const probe = {
  releaseImage: 'registry.hostplane.local/kubernetes-release:v1.37.2',
  generation: 2,
  health: { etcd: true, kubeAPIServer: true },
  endpoint: { host: '127.0.0.1', port: 40123 },
  kubeconfigSecret: 'demo-admin-kubeconfig',
  startedAt: '2026-11-01T12:00:00Z',
};
const now = '2026-11-01T12:05:00Z';
const condition = (
  status: ReturnType<typeof hostedClusterStatus>,
  type: string,
) => status.conditions.find(c => c.type === type)!;

describe('hostedClusterStatus', () => {
  it.each([
    ['quay.io/openshift-release-dev/ocp-release:4.17.0-x86_64', '4.17.0'],
    ['registry.hostplane.local/kubernetes-release:v1.37.2', 'v1.37.2'],
    ['example/release:4.18.1-multi', '4.18.1'],
  ])('reads the version of %s as %s', (image, version) => {
    expect(releaseVersion(image)).toBe(version);
  });

  it('reports a healthy control plane Available, with its endpoint, kubeconfig and a completed release', () => {
    const status = hostedClusterStatus(probe, now);
    expect(condition(status, 'Available')).toMatchObject({
      status: 'True',
      reason: 'AsExpected',
    });
    expect(condition(status, 'Degraded').status).toBe('False');
    expect(status.controlPlaneEndpoint).toEqual({
      host: '127.0.0.1',
      port: 40123,
    });
    expect(status.kubeconfig).toEqual({ name: 'demo-admin-kubeconfig' });
    expect(status.version.history).toEqual([
      expect.objectContaining({
        state: 'Completed',
        version: 'v1.37.2',
        completionTime: now,
      }),
    ]);
    expect(status.conditions.every(c => c.observedGeneration === 2)).toBe(true);
  });

  it('turns KubeAPIServerAvailable False with a reason when the API server does not answer', () => {
    const status = hostedClusterStatus(
      { ...probe, health: { etcd: true, kubeAPIServer: false } },
      now,
    );
    expect(condition(status, 'KubeAPIServerAvailable')).toMatchObject({
      status: 'False',
      reason: 'WaitingForAvailable',
    });
    expect(condition(status, 'Available').status).toBe('False');
    expect(condition(status, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'UnavailableReplicas',
    });
    expect(condition(status, 'EtcdAvailable').status).toBe('True');
  });

  it('turns EtcdAvailable False when etcd does not answer, keeping the API server condition', () => {
    const status = hostedClusterStatus(
      { ...probe, health: { etcd: false, kubeAPIServer: true } },
      now,
    );
    expect(condition(status, 'EtcdAvailable')).toMatchObject({
      status: 'False',
      reason: 'EtcdWaitingForQuorum',
    });
    expect(condition(status, 'KubeAPIServerAvailable').status).toBe('True');
    expect(condition(status, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'EtcdUnavailable',
    });
  });

  it('stays Available with an etcd member down while the others keep quorum, and says so in Degraded', () => {
    const status = hostedClusterStatus(
      {
        ...probe,
        health: { etcd: true, kubeAPIServer: true, etcdUnavailableMembers: 1 },
      },
      now,
    );
    expect(condition(status, 'EtcdAvailable')).toMatchObject({
      status: 'True',
      reason: 'QuorumAvailable',
    });
    expect(condition(status, 'Available').status).toBe('True');
    expect(condition(status, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'EtcdUnavailable',
      message: 'etcd statefulset has 1 unavailable replicas',
    });
  });

  it('counts the unavailable etcd members when quorum is lost', () => {
    const status = hostedClusterStatus(
      {
        ...probe,
        health: {
          etcd: false,
          kubeAPIServer: false,
          etcdUnavailableMembers: 3,
        },
      },
      now,
    );
    expect(condition(status, 'EtcdAvailable').status).toBe('False');
    expect(condition(status, 'Degraded').message).toBe(
      'etcd statefulset has 3 unavailable replicas',
    );
  });

  it('keeps the release Partial until the control plane has first been available', () => {
    const status = hostedClusterStatus(
      { ...probe, health: { etcd: true, kubeAPIServer: false } },
      now,
    );
    expect(status.version.history[0]).toMatchObject({
      state: 'Partial',
      completionTime: null,
    });
  });
  it('keeps a new release Partial and Progressing while the control-plane pods roll, above the earlier release', () => {
    const earlier = hostedClusterStatus(probe, now).version.history;
    const later = '2026-11-01T13:00:00Z';
    const upgrade = {
      ...probe,
      releaseImage: 'registry.hostplane.local/kubernetes-release:v1.37.3',
      startedAt: later,
      previousHistory: earlier,
    };
    const rolling = hostedClusterStatus(
      { ...upgrade, rolledOut: false },
      later,
    );
    expect(rolling.version.desired.version).toBe('v1.37.3');
    expect(rolling.version.history).toEqual([
      expect.objectContaining({
        state: 'Partial',
        version: 'v1.37.3',
        completionTime: null,
      }),
      earlier[0],
    ]);
    expect(condition(rolling, 'Available').status).toBe('True');
    expect(condition(rolling, 'Progressing')).toMatchObject({
      status: 'True',
      message: 'HostedCluster is deploying, upgrading, or reconfiguring',
    });

    const done = hostedClusterStatus({ ...upgrade, rolledOut: true }, later);
    expect(done.version.history.map(h => [h.version, h.state])).toEqual([
      ['v1.37.3', 'Completed'],
      ['v1.37.2', 'Completed'],
    ]);
    expect(condition(done, 'Progressing').status).toBe('False');
  });
});
