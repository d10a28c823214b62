import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { LOCAL_HUB_RELEASES, LocalHub, useTestHub } from '@hostplane/local-hub';
import request from 'supertest';
import hypershiftModule from '@hostplane/plugin-hostplane-backend-module-hypershift';
import { hostplanePlugin } from './plugin';

jest.setTimeout(180_000);

describe('hostplane backend against the local hub', () => {
  const context = useTestHub('backend-test');
  let hub: LocalHub;
  let workdir: string;
  beforeAll(() => {
    ({ hub, workdir } = context);
  });

  const startWithHubs = async (
    hubs: Array<{ name: string; kubeconfig: string }>,
  ) =>
    (
      await startTestBackend({
        features: [
          hostplanePlugin,
          hypershiftModule,
          mockServices.rootConfig.factory({
            data: {
              hostplane: {
                hubs: hubs.map(entry => ({
                  ...entry,
                  releases: LOCAL_HUB_RELEASES,
                })),
              },
            },
          }),
        ],
      })
    ).server;

  it('reports each configured hub: reachable with its version and APIs, or why not, and what its provider supports', async () => {
    const server = await startWithHubs([
      { name: 'local', kubeconfig: hub.kubeconfigPath },
      { name: 'gone', kubeconfig: path.join(workdir, 'missing.yaml') },
    ]);

    const response = await request(server).get('/api/hostplane/hubs');

    const capabilities = {
      provider: 'hypershift-kubevirt',
      credentialRotation: true,
      hibernation: true,
      etcdOperations: true,
      availabilityPolicies: ['SingleReplica', 'HighlyAvailable'],
    };
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([
      {
        name: 'local',
        capabilities,
        server: hub.server,
        reachable: true,
        kubernetesVersion: 'v1.37.2',
        missingApis: [],
      },
      {
        name: 'gone',
        capabilities,
        server: '',
        reachable: false,
        missingApis: [],
        error: expect.stringContaining(`hub 'gone': cannot read kubeconfig`),
      },
    ]);
    expect(JSON.stringify(response.body)).not.toMatch(
      /BEGIN|client-key|token/i,
    );
  });

  it('refuses unauthenticated requests', async () => {
    const server = await startWithHubs([
      { name: 'local', kubeconfig: hub.kubeconfigPath },
    ]);
    const response = await request(server)
      .get('/api/hostplane/hubs')
      .set('Authorization', 'Bearer not-a-valid-token');
    expect(response.status).toBe(401);
  });
});
