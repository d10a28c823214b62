import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { readHubDefinitions } from './hubs';

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
            { name: 'a', kubeconfig: file },
            { name: 'b', kubeconfig: file, context: 'ctx-b' },
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
      [{ name: 'Bad_Name', kubeconfig: 'x' }],
      "'Bad_Name' is not a valid hub name",
    ],
    [
      [
        { name: 'a', kubeconfig: 'x' },
        { name: 'a', kubeconfig: 'y' },
      ],
      "the hub name 'a' is used twice",
    ],
    [[{ name: 'a' }], "hub 'a' needs either 'kubeconfig' or 'inCluster: true'"],
  ])('rejects %j', (hubs, message) => {
    expect(() =>
      readHubDefinitions(new ConfigReader({ hostplane: { hubs } })),
    ).toThrow(message);
  });

  it('names the hub and the context when a context is missing', () => {
    const [hub] = readHubDefinitions(
      new ConfigReader({
        hostplane: { hubs: [{ name: 'a', kubeconfig: file, context: 'nope' }] },
      }),
    );
    expect(() => hub.kubeConfig()).toThrow(
      `hub 'a': kubeconfig ${file} has no context 'nope'`,
    );
  });
});
