import { parseManifest } from './manifest';

const NETWORK_POLICY = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-web
  namespace: storefront
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
`;

describe('a suggested manifest', () => {
  it('is read as its one object', () => {
    expect(parseManifest(NETWORK_POLICY)).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny-web', namespace: 'storefront' },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
  });

  it.each([
    ['Role', 'rbac.authorization.k8s.io/v1', 'namespace: shop'],
    ['RoleBinding', 'rbac.authorization.k8s.io/v1', 'namespace: shop'],
    ['ClusterRole', 'rbac.authorization.k8s.io/v1', ''],
  ])('may be a %s', (kind, apiVersion, namespace) => {
    const object = parseManifest(
      `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: x\n  ${namespace}\n`,
    );
    expect(object.kind).toBe(kind);
  });

  it.each([
    [
      'a workload',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x, namespace: a}\n',
      /a Deployment cannot be applied as a response/,
    ],
    [
      'a ClusterRoleBinding',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x}\n',
      /a ClusterRoleBinding cannot be applied/,
    ],
    [
      'two objects',
      `${NETWORK_POLICY}---${NETWORK_POLICY}`,
      /exactly one object is applied, there are 2/,
    ],
    ['nothing', '', /there are 0/],
    [
      'the wrong API version',
      NETWORK_POLICY.replace('networking.k8s.io/v1', 'extensions/v1beta1'),
      /applied as networking.k8s.io\/v1/,
    ],
    [
      'a namespaced object without its namespace',
      NETWORK_POLICY.replace('  namespace: storefront\n', ''),
      /needs metadata.namespace/,
    ],
    [
      'a ClusterRole with a namespace',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: x, namespace: a}\n',
      /has no namespace/,
    ],
    ['a list', '- a\n- b\n', /object without kind|not an object/],
    ['a YAML error', 'kind: [\n', /manifest:/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseManifest(text)).toThrow(message);
  });
});
