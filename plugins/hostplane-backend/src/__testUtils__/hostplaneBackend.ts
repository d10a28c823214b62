import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { LOCAL_HUB_RELEASES, waitFor } from '@hostplane/plugin-hostplane-node';
import { Knex } from 'knex';
import request from 'supertest';
import { hostplanePlugin } from '../plugin';
import hypershiftModule from '@hostplane/plugin-hostplane-backend-module-hypershift';

// The local PostgreSQL that scripts/setup.sh starts; scripts/test.sh sets it too.
process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??=
  'postgresql://postgres@127.0.0.1:5432';

export type TestServer = Awaited<ReturnType<typeof startTestBackend>>;

/** The Hostplane backend with the HyperShift provider, on the given database and hub. */
export async function startHostplane(options: {
  kubeconfig: string;
  knex: Knex;
  features?: NonNullable<Parameters<typeof startTestBackend>[0]['features']>;
  config?: object;
}): Promise<TestServer> {
  return startTestBackend({
    features: [
      hostplanePlugin,
      hypershiftModule,
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({
        data: {
          hostplane: {
            hubs: [
              {
                name: 'local',
                kubeconfig: options.kubeconfig,
                releases: LOCAL_HUB_RELEASES,
              },
            ],
            operations: { waitTimeoutSeconds: 120 },
          },
          ...options.config,
        },
      }),
      ...(options.features ?? []),
    ],
  });
}

/** Waits until the operation has finished and returns it; fails with its error if it failed. */
export async function waitForOperation(
  server: TestServer['server'],
  id: string,
  auth?: string,
): Promise<any> {
  const operation = await waitFor(
    `operation ${id}`,
    async () => {
      const req = request(server).get(`/api/hostplane/operations/${id}`);
      const response = await (auth ? req.set('Authorization', auth) : req);
      if (response.status !== 200) {
        return { state: `unreadable (${response.status}: ${response.text})` };
      }
      return response.body.state === 'running' ? undefined : response.body;
    },
    { timeoutMs: 150_000 },
  );
  if (operation.state !== 'succeeded') {
    throw new Error(`operation ${id} ${operation.state}: ${operation.error}`);
  }
  return operation;
}
