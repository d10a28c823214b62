import {
  AuthorizeResult,
  Permission,
  PermissionCondition,
  createPermission,
} from '@backstage/plugin-permission-common';
import { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  clusterCreatePermission,
  clusterDeletePermission,
  clusterReadPermission,
  clusterUpdatePermission,
  kubeconfigIssuePermission,
} from '@hostplane/plugin-hostplane-common';
import {
  HostplanePermissionPolicy,
  HostplanePolicyOptions,
} from './HostplanePermissionPolicy';

const userIn = (...claims: string[]): PolicyQueryUser =>
  ({
    info: { userEntityRef: claims[0], ownershipEntityRefs: claims },
  } as PolicyQueryUser);

const users: Record<string, PolicyQueryUser | undefined> = {
  member: userIn('user:default/alice', 'group:default/team-a'),
  platform: userIn('user:default/root', 'group:default/platform'),
  'in no group': userIn('user:default/carol'),
  'backend plugin': undefined,
};

const catalogRead = createPermission({
  name: 'catalog.entity.read',
  attributes: { action: 'read' },
  resourceType: 'catalog-entity',
});

const permissions: Record<string, Permission> = {
  create: clusterCreatePermission,
  read: clusterReadPermission,
  update: clusterUpdatePermission,
  delete: clusterDeletePermission,
  kubeconfig: kubeconfigIssuePermission,
  'catalog read': catalogRead,
};

/** Each user's decision on each permission: ALLOW, DENY, or the owners a condition allows. */
async function decisions(options: HostplanePolicyOptions) {
  const policy = new HostplanePermissionPolicy(options);
  const table: Record<string, Record<string, string>> = {};
  for (const [who, user] of Object.entries(users)) {
    table[who] = {};
    for (const [what, permission] of Object.entries(permissions)) {
      const decision = await policy.handle({ permission }, user);
      table[who][what] =
        decision.result === AuthorizeResult.CONDITIONAL
          ? `owner in ${JSON.stringify(
              (decision.conditions as PermissionCondition).params?.claims,
            )}`
          : decision.result;
    }
  }
  return table;
}

const OWN_A = 'owner in ["user:default/alice","group:default/team-a"]';
const OWN_CAROL = 'owner in ["user:default/carol"]';

describe('HostplanePermissionPolicy', () => {
  it('lets owners operate their clusters, platform groups all, others read', async () => {
    expect(
      await decisions({
        platformGroups: ['group:default/platform'],
        othersMayRead: true,
      }),
    ).toEqual({
      member: {
        create: 'ALLOW',
        read: 'ALLOW',
        update: OWN_A,
        delete: OWN_A,
        kubeconfig: OWN_A,
        'catalog read': 'ALLOW',
      },
      platform: {
        create: 'ALLOW',
        read: 'ALLOW',
        update: 'ALLOW',
        delete: 'ALLOW',
        kubeconfig: 'ALLOW',
        'catalog read': 'ALLOW',
      },
      'in no group': {
        create: 'DENY',
        read: 'ALLOW',
        update: OWN_CAROL,
        delete: OWN_CAROL,
        kubeconfig: OWN_CAROL,
        'catalog read': 'ALLOW',
      },
      'backend plugin': {
        create: 'DENY',
        read: 'ALLOW',
        update: 'DENY',
        delete: 'DENY',
        kubeconfig: 'DENY',
        'catalog read': 'ALLOW',
      },
    });
  });

  it('with othersMayRead off, shows users their own clusters only; without platform groups, nobody operates all', async () => {
    const table = await decisions({ platformGroups: [], othersMayRead: false });
    expect(table.member.read).toBe(OWN_A);
    expect(table.platform).toEqual({
      create: 'ALLOW',
      read: 'owner in ["user:default/root","group:default/platform"]',
      update: 'owner in ["user:default/root","group:default/platform"]',
      delete: 'owner in ["user:default/root","group:default/platform"]',
      kubeconfig: 'owner in ["user:default/root","group:default/platform"]',
      'catalog read': 'ALLOW',
    });
    expect(table['backend plugin'].read).toBe('ALLOW');
  });

  it('reads its options at every decision', async () => {
    const options = { platformGroups: [], othersMayRead: true };
    const policy = new HostplanePermissionPolicy(options);
    const member = users.member;
    const read = { permission: clusterReadPermission };
    expect((await policy.handle(read, member)).result).toBe(
      AuthorizeResult.ALLOW,
    );
    options.othersMayRead = false;
    expect((await policy.handle(read, member)).result).toBe(
      AuthorizeResult.CONDITIONAL,
    );
  });
});
