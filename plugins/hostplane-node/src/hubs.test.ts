import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { LOCAL_HUB_RELEASES, readHubDefinitions } from './hubs';

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: { server: https://127.0.0.1:6443 }
- name: b
  cluster: { server: https://127.0.0.1:7443 }
users:
- name: u
  user: { token: not-a-real-token }
contexts:
- name: ctx-a
  context: { cluster: a, user: u }
- name: ctx-b
  context: { cluster: b, user: u }
current-context: ctx-a
`;

const releases = [
  { version: 'v1.37.2', image: 'registry.example/release:v1.37.2' },
];

describe('readHubDefinitions', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hubs-'));
    file = path.join(dir, 'kubeconfig.yaml');
    fs.writeFileSync(file, kubeconfig);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('defaults to the local hub at its well-known kubeconfig', () => {
    const previous = process.env.HOSTPLANE_CACHE;
    process.env.HOSTPLANE_CACHE = dir;
    try {
      const hubs = readHubDefinitions(new ConfigReader({}));
      expect(hubs.map(h => h.name)).toEqual(['local']);
      expect(hubs[0].releases).toEqual(LOCAL_HUB_RELEASES);
      expect(() => hubs[0].kubeConfig()).toThrow(
        `hub 'local': cannot read kubeconfig ${path.join(
          dir,
          'hubs',
          'clusters',
          'hub',
          'kubeconfig.yaml',
        )}`,
      );
    } finally {
      process.env.HOSTPLANE_CACHE = previous;
    }
  });

  it('reads a kubeconfig file and selects the configured context', () => {
    const [a, b] = readHubDefinitions(
      new ConfigReader({
        hostplane: {
          hubs: [
            { name: 'a', kubeconfig: file, releases },
            { name: 'b', kubeconfig: file, context: 'ctx-b', releases },
          ],
        },
      }),
    );
    expect(a.kubeConfig().getCurrentCluster()?.server).toBe(
      'https://127.0.0.1:6443',
    );
    expect(b.kubeConfig().getCurrentCluster()?.server).toBe(
      'https://127.0.0.1:7443',
    );
  });

  it.each([
    [
      [{ name: 'Bad_Name', kubeconfig: 'x', releases }],
      "'Bad_Name' is not a valid hub name",
    ],
    [
      [
        { name: 'a', kubeconfig: 'x', releases },
        { name: 'a', kubeconfig: 'y', releases },
      ],
      "the hub name 'a' is used twice",
    ],
    [
      [{ name: 'a', releases }],
      "hub 'a' needs either 'kubeconfig' or 'inCluster: true'",
    ],
    [
      [{ name: 'a', kubeconfig: 'x' }],
      "hostplane.hubs: hub 'a' has no 'releases'",
    ],
    [
      [{ name: 'a', inCluster: true, releases: [] }],
      "hostplane.hubs: hub 'a' has no 'releases'",
    ],
    [
      [
        {
          name: 'a',
          kubeconfig: 'x',
          releases: [{ version: '1.37', image: 'i' }],
        },
      ],
      "hub 'a' offers '1.37', which is not a version like v1.37.2",
    ],
  ])('rejects %j', (hubs, message) => {
    expect(() =>
      readHubDefinitions(new ConfigReader({ hostplane: { hubs } })),
    ).toThrow(message);
  });

  it('names the hub and the context when a context is missing', () => {
    const [hub] = readHubDefinitions(
      new ConfigReader({
        hostplane: {
          hubs: [{ name: 'a', kubeconfig: file, context: 'nope', releases }],
        },
      }),
    );
    expect(() => hub.kubeConfig()).toThrow(
      `hub 'a': kubeconfig ${file} has no context 'nope'`,
    );
  });

  it("offers a configured hub's releases, oldest first", () => {
    const [hub] = readHubDefinitions(
      new ConfigReader({
        hostplane: {
          hubs: [
            {
              name: 'a',
              kubeconfig: file,
              releases: [
                { version: 'v1.37.2', image: 'r/k:v1.37.2' },
                { version: 'v1.36.10', image: 'r/k:v1.36.10' },
                { version: 'v1.36.4', image: 'r/k:v1.36.4' },
              ],
            },
          ],
        },
      }),
    );
    expect(hub.releases.map(r => r.version)).toEqual([
      'v1.36.4',
      'v1.36.10',
      'v1.37.2',
    ]);
  });
});
