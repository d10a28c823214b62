import fs from 'node:fs';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { NODE_POOL_SIZES } from '@hostplane/plugin-hostplane-common';
import { validate } from 'jsonschema';
import { createTemplateRenderer } from 'nunjitsu';
import { parse } from 'yaml';
import {
  REPO,
  SSH_KEY,
  TEMPLATE_PATH,
  loadNewClusterTemplate,
  typicalValues,
} from './__testUtils__/newClusterTemplate';
import { clusterEntityRef, createClusterAction } from './actions';
import { clusterRequest } from './actions/inputs';
import { hostplaneTemplateFilters } from './templating';

/*
 * templates/new-cluster/template.yaml as the catalog and the scaffolder see it: a valid Template
 * entity whose form accepts what the API accepts, and whose step, rendered from the form's values
 * the way the scaffolder renders it, is an input hostplane:cluster:create and the API take.
 */

const template = loadNewClusterTemplate();

const createAction = createClusterAction({
  discovery: mockServices.discovery.mock({
    getBaseUrl: async () => {
      throw new Error('no request should be made');
    },
  }),
  auth: mockServices.auth(),
});

/**
 * Renders like the scaffolder's NunjucksWorkflowRunner (`render`, plugin-scaffolder-backend
 * 4.2): the same engine (nunjitsu) and options, each string of the input rendered with
 * `renderValue`, so that a sole `${{ … }}` keeps its type, a value that fails to render stays as
 * written, and `undefined` drops the field. Only Hostplane's filters are added: the template uses
 * none of the scaffolder's own (parseRepoUrl, parseEntityRef, pick, projectSlug).
 */
const renderer = createTemplateRenderer({
  allowRegexExecution: true,
  filters: Object.fromEntries(
    hostplaneTemplateFilters.map(filter => [filter.id, filter.filter as any]),
  ),
});
function render(input: unknown, context: Record<string, any>): any {
  const prepared = renderer.prepareContext(context);
  return JSON.parse(JSON.stringify(input), (_key, value) => {
    try {
      if (typeof value === 'string') {
        return renderer.renderValue(value, prepared);
      }
    } catch {
      return value;
    }
    return value;
  });
}

const steps = template.spec.parameters as Array<{
  title: string;
  required?: string[];
  properties: Record<string, any>;
}>;
const property = (name: string) =>
  steps.find(step => name in step.properties)!.properties[name];

/** What the form holds when the user fills in only what has no default. */
function valuesFromDefaults(given: Record<string, unknown>) {
  const values: Record<string, unknown> = {};
  for (const step of steps) {
    for (const [name, schema] of Object.entries(step.properties)) {
      if (schema.default !== undefined) values[name] = schema.default;
      if (schema.type === 'object' && schema.properties) {
        values[name] = Object.fromEntries(
          Object.entries(schema.properties as Record<string, any>)
            .filter(([, p]) => p.default !== undefined)
            .map(([key, p]) => [key, p.default]),
        );
      }
    }
  }
  return { ...values, ...given };
}

/** Every problem the form's own JSON Schema finds in the values, step by step. */
function formErrors(values: Record<string, unknown>): string[] {
  return steps.flatMap(step =>
    validate(values, { type: 'object', ...step }).errors.map(
      e => `${step.title}: ${e.property} ${e.message}`,
    ),
  );
}

/** The step's input for the values, as the action receives it. */
function stepInput(values: Record<string, unknown>) {
  expect(template.spec.steps).toHaveLength(1);
  const [step] = template.spec.steps;
  expect(step.action).toBe('hostplane:cluster:create');
  return render(step.input, { parameters: values, steps: {} });
}

/** The input through the action's JSON Schema and then the API's schema, as the action runs them. */
function acceptedByTheAction(
  input: Record<string, any>,
  secrets?: Record<string, string>,
) {
  expect(validate(input, createAction.schema!.input!).errors).toEqual([]);
  const { waitForReady: _wait, ...fields } = input;
  return clusterRequest(fields, secrets);
}

describe('templates/new-cluster/template.yaml', () => {
  it('is a valid Template entity the catalog loads from app-config.yaml', async () => {
    await expect(templateEntityV1beta3Validator.check(template)).resolves.toBe(
      true,
    );
    expect(template.metadata).toMatchObject({
      name: 'new-cluster',
      title: 'New Cluster',
    });

    // Registered like the example template: a file location relative to packages/backend.
    const appConfig = parse(
      fs.readFileSync(path.join(REPO, 'app-config.yaml'), 'utf8'),
    );
    const location = appConfig.catalog.locations.find(
      (l: { type: string; target: string }) =>
        l.type === 'file' &&
        path.resolve(REPO, 'packages/backend', l.target) === TEMPLATE_PATH,
    );
    expect(location).toBeDefined();
    expect(location.rules).toEqual([{ allow: ['Template'] }]);
  });

  it('asks for every field of the cluster spec through the fields meant for it', () => {
    expect(steps.map(step => step.title)).toEqual([
      'Owner and hub',
      'Cluster',
      'Node pools',
      'Backups and protection',
      'Labels and access',
      'Restore from backup',
    ]);
    expect(property('owner')['ui:field']).toBe('HostplaneOwnerPicker');
    expect(property('hub')['ui:field']).toBe('HostplaneHubPicker');
    expect(property('name')['ui:field']).toBe('HostplaneClusterNamePicker');
    expect(property('version')['ui:field']).toBe('HostplaneVersionPicker');
    // The key goes to the task secrets, under the name the action reads.
    expect(property('sshPublicKey')['ui:field']).toBe('Secret');
  });

  it('names the machine sizes with the numbers hostplaneNodePools gives them', () => {
    const size = property('nodePools').items.properties.size;
    expect(size.enum).toEqual([...Object.keys(NODE_POOL_SIZES), 'custom']);
    Object.values(NODE_POOL_SIZES).forEach((s, index) => {
      expect(size.enumNames[index]).toContain(
        `${s.vcpu} vCPU, ${s.memoryGiB} GiB memory, ${s.diskGiB} GiB disk`,
      );
    });
  });

  it('turns a filled-in form into the input the action and the API take, the SSH key left to the secrets', () => {
    expect(formErrors(typicalValues)).toEqual([]);
    const input = stepInput(typicalValues);
    expect(input).toEqual({
      name: 'shop',
      owner: 'group:default/team-a',
      hub: 'local',
      version: 'v1.37.2',
      availability: 'HighlyAvailable',
      nodePools: [
        { name: 'workers', replicas: 3, vcpu: 4, memoryGiB: 16, diskGiB: 64 },
        {
          name: 'batch',
          autoscaling: { min: 1, max: 5 },
          vcpu: 16,
          memoryGiB: 64,
          diskGiB: 200,
        },
      ],
      etcd: { backup: { schedule: '0 */4 * * *', retention: 14 } },
      deletionProtection: true,
      labels: { lifecycle: 'production', system: 'payments', team: 'payments' },
      waitForReady: true,
    });
    const { body, spec } = acceptedByTheAction(input, {
      sshPublicKey: SSH_KEY,
    });
    expect(body.sshPublicKey).toBe(SSH_KEY);
    expect(spec).toMatchObject({
      etcd: { storageGiB: 8, backup: { retention: 14 } },
      network: { podCidr: '10.132.0.0/14' },
    });
  });

  it("makes a valid cluster from the form's defaults and the four fields without one", () => {
    const values = valuesFromDefaults({
      owner: 'user:default/guest',
      hub: 'local',
      name: 'dev',
      version: 'v1.35.6',
    });
    expect(formErrors(values)).toEqual([]);
    const input = stepInput(values);
    expect(input).toEqual({
      name: 'dev',
      owner: 'user:default/guest',
      hub: 'local',
      version: 'v1.35.6',
      availability: 'SingleReplica',
      nodePools: [
        { name: 'workers', replicas: 2, vcpu: 4, memoryGiB: 16, diskGiB: 64 },
      ],
      etcd: { backup: { schedule: '0 */6 * * *', retention: 7 } },
      deletionProtection: false,
      labels: { lifecycle: 'development' },
      waitForReady: true,
    });
    // No key in the secrets (or an empty one): the provider generates a key pair.
    expect(acceptedByTheAction(input, {}).body).not.toHaveProperty(
      'sshPublicKey',
    );
  });

  it.each([
    ['a pool name with capitals', { name: 'Workers' }, undefined],
    ['a pool name over 15 characters', { name: 'a'.repeat(16) }, undefined],
    ['101 machines', { replicas: 101 }, undefined],
    ['a custom size of 65 vCPUs', { size: 'custom', vcpu: 65 }, undefined],
    ['a custom disk of 9 GiB', { size: 'custom', diskGiB: 9 }, undefined],
    [
      'autoscaling from 0',
      { scaling: 'autoscaled', minReplicas: 0, maxReplicas: 2 },
      undefined,
    ],
    ['a four-field cron', undefined, { backupSchedule: '0 */6 * *' }],
    ['366 backups', undefined, { backupRetention: 366 }],
    [
      'a system that is no label value',
      undefined,
      { labels: { lifecycle: 'production', system: 'pay/ments' } },
    ],
  ])(
    'refuses %s in the form, as the API does',
    (_what, poolChange, valuesChange) => {
      const custom = { vcpu: 4, memoryGiB: 16, diskGiB: 64 };
      const values = {
        ...typicalValues,
        nodePools: [
          { ...typicalValues.nodePools[0], ...custom, ...poolChange },
        ],
        ...valuesChange,
      };
      expect(formErrors(values)).not.toEqual([]);
      expect(() =>
        acceptedByTheAction(stepInput(values), { sshPublicKey: SSH_KEY }),
      ).toThrow('The cluster spec is not valid');
    },
  );

  it('restores from a backup of a cluster on the same hub when the restore step is filled in, and only then', () => {
    const restoreFrom = {
      cluster: 'payments-prod',
      backupId: '20261208T101500Z-a1b2c3',
    };
    const values = { ...typicalValues, restoreFrom };
    expect(formErrors(values)).toEqual([]);
    const input = stepInput(values);
    expect(input.restoreFrom).toEqual({ hub: 'local', ...restoreFrom });
    expect(acceptedByTheAction(input, {}).spec.restoreFrom).toEqual({
      hub: 'local',
      ...restoreFrom,
    });
    // Left empty (as the form leaves an untouched section), the field is left out.
    for (const empty of [{}, { cluster: '', backupId: ' ' }, undefined]) {
      expect(
        stepInput({ ...typicalValues, restoreFrom: empty }),
      ).not.toHaveProperty('restoreFrom');
    }
    const output = render(template.spec.output, {
      parameters: values,
      steps: { cluster: { output: { hub: 'local', name: 'shop' } } },
    });
    expect(output.text[0].content).toContain(
      ', protected from deletion, etcd restored from backup 20261208T101500Z-a1b2c3 of payments-prod.',
    );
  });

  it.each([
    ['a cluster without a backup', { cluster: 'payments-prod' }],
    ['a backup without a cluster', { backupId: '20261208T101500Z-a1b2c3' }],
    [
      'a backup id that is no backup id',
      { cluster: 'payments-prod', backupId: 'latest' },
    ],
  ])(
    'refuses %s in the restore step, as the API does',
    (_what, restoreFrom) => {
      const values = { ...typicalValues, restoreFrom };
      expect(formErrors(values)).not.toEqual([]);
      const { waitForReady: _wait, ...fields } = stepInput(values);
      expect(() => clusterRequest(fields, {})).toThrow(
        'The cluster spec is not valid: restoreFrom.',
      );
    },
  );

  it('links to the cluster in the catalog and sums it up', () => {
    const output = render(template.spec.output, {
      parameters: typicalValues,
      steps: {
        cluster: {
          output: {
            hub: 'local',
            name: 'shop',
            operationId: 'op-1',
            entityRef: clusterEntityRef('local', 'shop'),
          },
        },
      },
    });
    expect(output.links).toEqual([
      {
        title: 'Open the cluster in the catalog',
        icon: 'catalog',
        entityRef: 'resource:default/shop.local',
      },
    ]);
    expect(output.text).toHaveLength(1);
    expect(output.text[0].content).toBe(
      [
        "Cluster **shop** is Ready on hub **local**: Kubernetes v1.37.2, HighlyAvailable control plane, owned by group:default/team-a, etcd backed up on '0 */4 * * *' (14 kept), protected from deletion.",
        '',
        'Node pools:',
        '',
        '- workers: 3 machines of 4 vCPU, 16 GiB memory and 64 GiB disk',
        '- batch: 1 to 5 machines (autoscaled) of 16 vCPU, 64 GiB memory and 200 GiB disk',
        '',
        'Hostplane operation: op-1',
        '',
      ].join('\n'),
    );
  });
});
