import type {
  ThreatAlert,
  ThreatContext,
} from '@hostplane/plugin-hostplane-common';
import type { RuleResponseKind } from '../rules';
import { actsAutomatically, ruleResponseRequest } from './ruleResponse';

const podAlert: Pick<ThreatAlert, 'subject'> = {
  subject: {
    kind: 'pod',
    user: 'alice',
    resource: 'pods',
    namespace: 'shop',
    name: 'web-1',
  },
};
const bindingAlert: Pick<ThreatAlert, 'subject'> = {
  subject: {
    kind: 'binding',
    user: 'alice',
    resource: 'clusterrolebindings',
    name: 'web-admin',
  },
};
const tokenAlert: Pick<ThreatAlert, 'subject'> = {
  subject: { kind: 'user', user: 'system:serviceaccount:shop:web' },
};
const withPod: ThreatContext = {
  pod: {
    namespace: 'shop',
    name: 'web-2',
    images: [],
    privileged: false,
    hostPaths: [],
    labels: {},
  },
};

describe("a rule's automatic response", () => {
  it.each<
    [
      string,
      Pick<ThreatAlert, 'subject'>,
      RuleResponseKind | undefined,
      ThreatContext,
      boolean,
      unknown,
    ]
  >([
    ['no response', podAlert, undefined, {}, false, undefined],
    [
      'isolates the pod of an exec',
      podAlert,
      'isolatePod',
      {},
      false,
      {
        kind: 'isolatePod',
        target: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
      },
    ],
    [
      'terminates a privileged pod',
      podAlert,
      'terminatePod',
      {},
      false,
      {
        kind: 'terminatePod',
        target: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
      },
    ],
    [
      'removes a ClusterRoleBinding',
      bindingAlert,
      'removeBinding',
      {},
      false,
      {
        kind: 'removeBinding',
        target: { kind: 'ClusterRoleBinding', name: 'web-admin' },
      },
    ],
    [
      'removes no binding of a pod alert',
      podAlert,
      'removeBinding',
      {},
      false,
      undefined,
    ],
    [
      'revokes a credential Hostplane issued',
      { subject: { kind: 'user', user: 'user:default/mallory' } },
      'revokeKubeconfigs',
      {},
      true,
      { kind: 'revokeKubeconfigs' },
    ],
    [
      "isolates the pod of a stolen service account's token",
      tokenAlert,
      'revokeKubeconfigs',
      withPod,
      false,
      {
        kind: 'isolatePod',
        target: { kind: 'Pod', namespace: 'shop', name: 'web-2' },
      },
    ],
    [
      'does nothing for a token of no pod that Hostplane did not issue',
      tokenAlert,
      'revokeKubeconfigs',
      {},
      false,
      undefined,
    ],
  ])('%s', (_what, alert, response, context, issuedByHostplane, expected) => {
    expect(
      ruleResponseRequest({ alert, response, context, issuedByHostplane }),
    ).toEqual(expected);
  });

  it.each([
    ['off', 0.99, false],
    ['suggest', 0.99, false],
    ['auto', 0.79, false],
    ['auto', 0.8, true],
    ['auto', 0.95, true],
  ] as const)(
    'under %s at likelihood %s acts: %s',
    (mode, likelihood, acts) => {
      expect(
        actsAutomatically({ mode, autoThreshold: 0.8 }, { likelihood }),
      ).toBe(acts);
    },
  );
});
