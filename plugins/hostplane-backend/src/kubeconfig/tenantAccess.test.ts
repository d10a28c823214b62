import {
  SERVICE_VIEWERS_GROUP,
  ownerAccessBinding,
  serviceUser,
  serviceViewerBinding,
} from './tenantAccess';

describe('ownerAccessBinding', () => {
  it('makes the owning group, named by its entity ref, cluster-admin', () => {
    const binding = ownerAccessBinding('group:default/team-a');

    expect(binding).toMatchObject({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'hostplane' } },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'cluster-admin',
      },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Group',
          name: 'group:default/team-a',
        },
      ],
    });
  });

  it('names the binding after the group, the same every time, as a valid object name', () => {
    const name = ownerAccessBinding('group:default/team-a').metadata?.name;

    expect(name).toBe(
      ownerAccessBinding('group:default/team-a').metadata?.name,
    );
    expect(name).not.toBe(
      ownerAccessBinding('group:default/team-b').metadata?.name,
    );
    expect(name).toMatch(/^hostplane-owner-[0-9a-f]{16}$/);
  });
});

describe('serviceViewerBinding', () => {
  it('binds the service viewers group, and only it, to the built-in view ClusterRole', () => {
    expect(serviceViewerBinding()).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: {
        name: 'hostplane-service-viewers',
        labels: { 'app.kubernetes.io/managed-by': 'hostplane' },
      },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'view',
      },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Group',
          name: 'hostplane:service-viewers',
        },
      ],
    });
    expect(SERVICE_VIEWERS_GROUP).toBe('hostplane:service-viewers');
  });

  it('never shares a name with an owner binding', () => {
    for (const owner of ['group:default/team-a', 'hostplane:service-viewers']) {
      expect(ownerAccessBinding(owner).metadata?.name).not.toBe(
        serviceViewerBinding().metadata?.name,
      );
    }
  });

  it.each([
    ['plugin:kubernetes', 'hostplane:service:plugin:kubernetes'],
    ['external:ci-bot', 'hostplane:service:external:ci-bot'],
  ])('names the service %s as the Kubernetes user %s', (subject, user) => {
    expect(serviceUser(subject)).toBe(user);
  });
});
