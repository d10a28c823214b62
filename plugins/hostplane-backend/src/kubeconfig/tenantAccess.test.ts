import { ownerAccessBinding } from './tenantAccess';

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
