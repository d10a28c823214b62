import { mockServices } from '@backstage/backend-test-utils';
import { clusterSpecSchema } from '@hostplane/plugin-hostplane-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { validate } from 'jsonschema';
import { parse } from 'yaml';
import { z } from 'zod';
import { FieldIssuesError } from './FieldIssuesError';
import {
  createClusterAction,
  createHostplaneActions,
  scaleClusterAction,
} from '.';
import { clusterChange, clusterRequest } from './inputs';

// Made with ssh-keygen for the tests; public, but handled as the secret it travels as.
const SSH_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKlVgEvB4dH6v2OdomeHrNSbbX+KG7Nu5ClbsOmKKlUH alice@laptop';

const unreachableApi = {
  discovery: mockServices.discovery.mock({
    getBaseUrl: async () => {
      throw new Error('no request should be made');
    },
  }),
  auth: mockServices.auth(),
};
const actions = createHostplaneActions(unreachableApi);
const action = (id: string) => actions.find(a => a.id === id)!;

const spec = {
  name: 'shop',
  owner: 'group:default/team-a',
  hub: 'local',
  version: 'v1.37.2',
  nodePools: [
    { name: 'workers', replicas: 2, vcpu: 2, memoryGiB: 8, diskGiB: 40 },
  ],
};

/** What a JSON Schema says about a value's structure: types, fields, required fields, items. */
function structure(schema: any): unknown {
  return {
    type: schema.type,
    enum: schema.enum,
    required: schema.required ? [...schema.required].sort() : undefined,
    properties:
      schema.properties &&
      Object.fromEntries(
        Object.entries(schema.properties)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, value]) => [key, structure(value)]),
      ),
    items: schema.items && structure(schema.items),
  };
}

describe('the create action input', () => {
  it('has the fields, types and required fields of the API cluster spec, less the SSH key, plus waitForReady', () => {
    const input = action('hostplane:cluster:create').schema!.input as any;
    expect(input.properties.waitForReady).toMatchObject({
      type: 'boolean',
      default: false,
    });
    const { waitForReady: _waitForReady, ...specFields } = input.properties;

    const api = z.toJSONSchema(clusterSpecSchema, {
      io: 'input',
      unrepresentable: 'any',
    }) as any;
    const { sshPublicKey, ...apiFields } = api.properties;
    expect(sshPublicKey).toBeDefined();
    expect(
      structure({ ...input, properties: specFields, additionalProperties: 0 }),
    ).toEqual(structure({ ...api, properties: apiFields }));
    expect(input.additionalProperties).toBe(false);
  });

  it('takes the SSH public key from the secrets and leaves the rest as given', () => {
    expect(clusterRequest(spec, { sshPublicKey: `${SSH_KEY}\n` })).toEqual({
      body: { ...spec, sshPublicKey: SSH_KEY },
      spec: expect.objectContaining({ sshPublicKey: SSH_KEY }),
    });
    expect(clusterRequest(spec, { sshPublicKey: ' ' }).body).toEqual(spec);
    expect(clusterRequest(spec, undefined).spec).toMatchObject({
      availability: 'SingleReplica',
      network: { podCidr: '10.132.0.0/14' },
    });
  });

  it('refuses an SSH key given as an input', () => {
    expect(() =>
      clusterRequest({ ...spec, sshPublicKey: SSH_KEY }, undefined),
    ).toThrow(
      'sshPublicKey is not an input: pass it in the task secrets as secrets.sshPublicKey',
    );
  });

  it("reports every problem with its field path, in the API's words", () => {
    const request = () =>
      clusterRequest(
        {
          ...spec,
          network: { podCidr: '10.0.0.0/8', serviceCidr: '10.1.0.0/16' },
          nodePools: [{ ...spec.nodePools[0], vcpu: 0, gpus: 1 }],
        },
        { sshPublicKey: 'ssh-ed25519 not-a-key' },
      );
    expect(request).toThrow(FieldIssuesError);
    let error: FieldIssuesError | undefined;
    try {
      request();
    } catch (e) {
      error = e as FieldIssuesError;
    }
    expect(error!.issues).toEqual([
      {
        path: ['network', 'serviceCidr'],
        message: 'serviceCidr 10.1.0.0/16 overlaps podCidr 10.0.0.0/8',
      },
      { path: ['nodePools', 0, 'vcpu'], message: 'vcpu must be at least 1' },
      { path: ['nodePools', 0, 'gpus'], message: "unknown field 'gpus'" },
      {
        path: ['sshPublicKey'],
        message: expect.stringMatching(
          /^sshPublicKey must be one OpenSSH public key line/,
        ),
      },
    ]);
    expect(error!.message).toContain(
      'nodePools.0.vcpu: vcpu must be at least 1',
    );
    expect(error!.message).not.toContain('not-a-key');
  });
});

describe('the change inputs', () => {
  it("are checked with the API's change schema", () => {
    expect(
      clusterChange({ action: 'scale', pool: 'workers', replicas: 3 }),
    ).toEqual({ action: 'scale', pool: 'workers', replicas: 3 });
    expect(() =>
      clusterChange({ action: 'scale', pool: 'workers', replicas: 101 }),
    ).toThrow(
      'The change is not valid: replicas: replicas must be at most 100',
    );
    expect(() => clusterChange({ action: 'upgrade', version: '1.37' })).toThrow(
      "The change is not valid: version: version must look like 'v1.37.2'",
    );
  });
});

describe('the actions', () => {
  it('refuse bad input before calling the API, also in a dry run', async () => {
    for (const isDryRun of [false, true]) {
      const create = createClusterAction(unreachableApi);
      await expect(
        create.handler({
          ...createMockActionContext({
            input: { ...spec, version: 'latest', waitForReady: false },
          }),
          isDryRun,
        }),
      ).rejects.toThrow(
        "The cluster spec is not valid: version: version must look like 'v1.37.2'",
      );
      const scale = scaleClusterAction(unreachableApi);
      await expect(
        scale.handler({
          ...createMockActionContext({
            input: {
              hub: 'local',
              name: 'shop',
              pool: 'workers',
              replicas: -1,
              waitForReady: false,
            },
          }),
          isDryRun,
        }),
      ).rejects.toThrow('replicas: replicas must be at least 0');
    }
  });

  it('carry examples that pass their own schema and the API schemas', () => {
    const values: Record<string, string> = {
      '${{ parameters.name }}': 'shop',
      '${{ parameters.owner }}': 'group:default/team-a',
    };
    const render = (input: Record<string, unknown>) =>
      JSON.parse(
        JSON.stringify(input),
        (_key, value) => values[value as string] ?? value,
      );
    // What the API would check of each example, beyond the action's own JSON Schema.
    const apiCheck: Record<string, (input: Record<string, any>) => unknown> = {
      'hostplane:cluster:create': ({ waitForReady: _wait, ...fields }) =>
        clusterRequest(fields, {}),
      'hostplane:cluster:scale': ({ pool, replicas }) =>
        clusterChange({ action: 'scale', pool, replicas }),
      'hostplane:cluster:upgrade': ({ version }) =>
        clusterChange({ action: 'upgrade', version }),
      'hostplane:cluster:delete': () => undefined,
      'hostplane:cluster:backup': () => clusterChange({ action: 'backup' }),
    };
    let checked = 0;
    for (const each of actions) {
      expect(each.examples?.length).toBeGreaterThan(0);
      for (const example of each.examples!) {
        const steps = parse(example.example).steps as Array<{
          action: string;
          input: Record<string, unknown>;
        }>;
        expect(steps.map(s => s.action)).toEqual([each.id]);
        const input = render(steps[0].input);
        expect(validate(input, each.schema!.input!).errors).toEqual([]);
        expect(() => apiCheck[each.id](input)).not.toThrow();
        checked += 1;
      }
    }
    expect(checked).toBe(8);
  });
});
