import os from 'node:os';
import path from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  CHANGE_ACTIONS,
  CLUSTER_PHASES,
  CLUSTER_SORT_FIELDS,
  VERSION_PATTERN,
} from '@hostplane/plugin-hostplane-common';
import fc from 'fast-check';
import request from 'supertest';
import { TestServer, startHostplane } from './__testUtils__/hostplaneBackend';

jest.setTimeout(300_000);

const validSpec = {
  name: 'payments',
  owner: 'group:default/team-a',
  hub: 'local',
  version: 'v1.37.2',
  availability: 'SingleReplica',
  network: { podCidr: '10.132.0.0/14', serviceCidr: '172.31.0.0/16' },
  nodePools: [
    {
      name: 'workers',
      replicas: 2,
      vcpu: 2,
      memoryGiB: 8,
      diskGiB: 40,
      labels: { tier: 'web' },
      taints: [{ key: 'dedicated', value: 'web', effect: 'NoSchedule' }],
    },
  ],
  etcd: { storageGiB: 8, backup: { schedule: '0 */6 * * *', retention: 7 } },
  deletionProtection: false,
  labels: { env: 'prod' },
};

type Path = Array<string | number>;

/** Every path to a value in the spec, so mutations can reach any field, however deep. */
function paths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value)
    ? value.map((v, i) => [i, v] as const)
    : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, v]) => paths(v, [...prefix, key]))];
}

function setAt(root: any, at: Path, value: unknown): any {
  const copy = structuredClone(root);
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key];
  node[at[at.length - 1]] = value;
  return copy;
}

function deleteAt(root: any, at: Path): any {
  const copy = structuredClone(root);
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key];
  if (Array.isArray(node)) node.splice(Number(at[at.length - 1]), 1);
  else delete node[at[at.length - 1]];
  return copy;
}

const leafPaths = paths(validSpec).filter(p => p.length > 0);
const typeOf = (v: unknown) => {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v;
};
const valueAt = (at: Path) =>
  at.reduce((node: any, key) => node[key], validSpec);

const REQUIRED: Path[] = [
  ['name'],
  ['owner'],
  ['hub'],
  ['version'],
  ['nodePools'],
  ['nodePools', 0, 'name'],
  ['nodePools', 0, 'vcpu'],
  ['nodePools', 0, 'memoryGiB'],
  ['nodePools', 0, 'diskGiB'],
  ['nodePools', 0, 'taints', 0, 'key'],
  ['nodePools', 0, 'taints', 0, 'effect'],
];

const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 3 }),
);

/** Specs that are wrong by construction, each in one way a caller might get wrong. */
const malformedSpec = fc.oneof(
  // A field of the wrong type.
  fc
    .tuple(fc.constantFrom(...leafPaths), anyValue)
    .filter(
      ([at, value]) =>
        typeOf(value) !== typeOf(valueAt(at)) && !(at.at(-2) === 'labels'),
    )
    .map(([at, value]) => setAt(validSpec, at, value)),
  // A required field left out.
  fc.constantFrom(...REQUIRED).map(at => deleteAt(validSpec, at)),
  // A number out of range or not whole.
  fc
    .tuple(
      fc.constantFrom<Path>(
        ['nodePools', 0, 'replicas'],
        ['nodePools', 0, 'vcpu'],
        ['nodePools', 0, 'memoryGiB'],
        ['nodePools', 0, 'diskGiB'],
        ['etcd', 'storageGiB'],
        ['etcd', 'backup', 'retention'],
      ),
      fc.oneof(
        fc.integer({ max: -1 }),
        fc.integer({ min: 100_000 }),
        fc.double({ min: 0.1, max: 0.9 }),
      ),
    )
    .map(([at, value]) => setAt(validSpec, at, value)),
  // A name Kubernetes would refuse.
  fc
    .tuple(
      fc.constantFrom<Path>(['name'], ['nodePools', 0, 'name'], ['hub']),
      fc.oneof(
        fc.constantFrom(
          '',
          'UPPER',
          '9starts-with-digit',
          'under_score',
          'trailing-',
          'a'.repeat(64),
          'dots.in.name',
        ),
        fc.string({ minLength: 1 }).map(s => `${s}_X`),
      ),
    )
    .map(([at, value]) => setAt(validSpec, at, value)),
  // Strings that do not parse.
  fc
    .tuple(
      fc.constantFrom<Path>(
        ['version'],
        ['owner'],
        ['network', 'podCidr'],
        ['network', 'serviceCidr'],
        ['etcd', 'backup', 'schedule'],
        ['availability'],
      ),
      fc.oneof(
        fc.constantFrom(
          '1.37',
          'v1.37',
          'latest',
          'team-a',
          '10.0.0.0/33',
          '300.1.1.1/8',
          '10.0.0.1/8',
          '* * *',
          'HA',
        ),
        fc.string({ maxLength: 4 }),
      ),
    )
    .map(([at, value]) => setAt(validSpec, at, value)),
  // Overlapping networks.
  fc
    .constantFrom(
      { podCidr: '10.0.0.0/8', serviceCidr: '10.96.0.0/16' },
      { podCidr: '172.16.0.0/12', serviceCidr: '172.31.0.0/16' },
    )
    .map(network => ({ ...validSpec, network })),
  // A field the API does not know.
  fc
    .tuple(
      fc.constantFrom<Path>([], ['nodePools', 0], ['etcd'], ['network']),
      fc.string({ minLength: 1, maxLength: 10 }),
      anyValue,
    )
    .filter(([at, key]) => {
      const node = valueAt(at);
      return (
        !(key in node) &&
        !['__proto__', 'constructor', 'prototype'].includes(key)
      );
    })
    .map(([at, key, value]) => setAt(validSpec, [...at, key], value)),
  // Pools: both sizes, neither, too many, duplicated names.
  fc.constantFrom(
    setAt(validSpec, ['nodePools', 0, 'autoscaling'], { min: 1, max: 3 }),
    deleteAt(validSpec, ['nodePools', 0, 'replicas']),
    setAt(validSpec, ['nodePools', 0, 'autoscaling'], { min: 5, max: 2 }),
    { ...validSpec, nodePools: [] },
    {
      ...validSpec,
      nodePools: Array.from({ length: 11 }, (_, i) => ({
        ...validSpec.nodePools[0],
        name: `p${i}`,
      })),
    },
    {
      ...validSpec,
      nodePools: [validSpec.nodePools[0], validSpec.nodePools[0]],
    },
  ),
);

const malformedChange = fc.oneof(
  fc.record({
    action: fc.string().filter(a => !(CHANGE_ACTIONS as string[]).includes(a)),
  }),
  fc.record({
    action: fc.constant('scale'),
    pool: fc.constant('workers'),
    replicas: fc.oneof(
      fc.integer({ max: -1 }),
      fc.integer({ min: 101 }),
      fc.string(),
    ),
  }),
  fc.record({
    action: fc.constant('upgrade'),
    version: fc.oneof(
      fc.string({ maxLength: 6 }).filter(v => !VERSION_PATTERN.test(v)),
      fc.integer(),
    ),
  }),
  fc.record({
    action: fc.constant('autoscale'),
    pool: fc.constant('workers'),
    autoscaling: fc.record({
      min: fc.integer({ min: 50, max: 100 }),
      max: fc.integer({ min: 1, max: 49 }),
    }),
  }),
  fc.record({
    action: fc.constant('protect'),
    deletionProtection: fc.oneof(fc.string(), fc.integer()),
  }),
);

const malformedQuery = fc.oneof(
  fc.record({
    limit: fc.oneof(
      fc.integer({ max: 0 }),
      fc.integer({ min: 501 }),
      fc.constantFrom('ten', '1.5'),
    ),
  }),
  fc.record({
    offset: fc.oneof(fc.integer({ max: -1 }), fc.constantFrom('x', '-0.5')),
  }),
  fc.record({
    sort: fc
      .string({ minLength: 1 })
      .filter(s => !(CLUSTER_SORT_FIELDS as readonly string[]).includes(s)),
  }),
  fc.record({
    phase: fc
      .string({ minLength: 1 })
      .filter(s => !(CLUSTER_PHASES as readonly string[]).includes(s)),
  }),
  fc.record({
    order: fc.string({ minLength: 1 }).filter(s => s !== 'asc' && s !== 'desc'),
  }),
  fc.record({ unknownFilter: fc.string() }),
);

describe('bad input', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let backend: TestServer;
  beforeAll(async () => {
    // No hub is needed: nothing malformed gets past validation to the hub.
    backend = await startHostplane({
      kubeconfig: path.join(os.tmpdir(), 'no-such-hub.kubeconfig'),
      knex: await databases.init('SQLITE_3'),
    });
  });
  afterAll(async () => {
    await backend?.stop();
  });

  const expectFieldErrors = (response: request.Response) => {
    expect(response.status).toBe(400);
    expect(response.body.error.name).toBe('InputError');
    expect(response.body.issues.length).toBeGreaterThan(0);
    for (const issue of response.body.issues) {
      expect(Array.isArray(issue.path)).toBe(true);
      expect(typeof issue.message).toBe('string');
    }
    expect(
      response.body.issues.some((i: { path: Path }) => i.path.length > 0),
    ).toBe(true);
  };

  it('the valid spec itself gets past validation (so the mutations are what fails)', async () => {
    const response = await request(backend.server)
      .post('/api/hostplane/clusters')
      .send({ ...validSpec, hub: 'elsewhere' });
    expect(response.status).toBe(400);
    expect(response.body.issues).toEqual([
      {
        path: ['hub'],
        message: expect.stringContaining("there is no hub 'elsewhere'"),
      },
    ]);
  });

  it('answers thousands of malformed specs with 400 and field paths, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(malformedSpec, async spec => {
        expectFieldErrors(
          await request(backend.server)
            .post('/api/hostplane/clusters')
            .send(spec),
        );
      }),
      { numRuns: 2000, seed: 20261123 },
    );
  });

  it('answers malformed changes and list queries with 400 and field paths', async () => {
    await fc.assert(
      fc.asyncProperty(malformedQuery, async query => {
        expectFieldErrors(
          await request(backend.server)
            .get('/api/hostplane/clusters')
            .query(query),
        );
      }),
      { numRuns: 500, seed: 20261123 },
    );
    // A change is validated before the cluster is looked up, so no cluster is needed.
    await fc.assert(
      fc.asyncProperty(malformedChange, async change => {
        expectFieldErrors(
          await request(backend.server)
            .patch('/api/hostplane/clusters/local/payments')
            .send(change),
        );
      }),
      { numRuns: 500, seed: 20261123 },
    );
  });

  it('answers a body that is not JSON with 400', async () => {
    const response = await request(backend.server)
      .post('/api/hostplane/clusters')
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expect(response.status).toBe(400);
  });
});
