import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { PlannedOperationView } from '@hostplane/plugin-hostplane-common';
import express, { Router } from 'express';
import request from 'supertest';
import {
  SSH_KEY,
  loadNewClusterTemplate,
  typicalValues,
} from './__testUtils__/newClusterTemplate';
import scaffolderModuleHostplane from './index';

/*
 * templates/new-cluster/template.yaml dry-run through the real scaffolder backend with this module
 * (its action and its hostplaneNodePools filter, registered through the extension points): the
 * scaffolder checks the form values against the template's parameters, renders the step with its
 * own engine, checks the input against the action's schema, runs the action's dry run, and renders
 * the output. The Hostplane API is a stand-in that answers the dry run of a creation the action
 * asks it for, so that no hub is needed; module.test.ts runs a dry run against the real API on a real hub.
 */

jest.setTimeout(120_000);

const SSH_KEY_DATA = SSH_KEY.split(' ')[1];

/** What the stand-in Hostplane API was asked, and by whom. */
const requests: Array<{ path: string; caller: string }> = [];

const hostplaneStandIn = createBackendPlugin({
  pluginId: 'hostplane',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
      },
      async init({ httpRouter, httpAuth }) {
        const router = Router();
        router.use(async (req, _res, next) => {
          const credentials = await httpAuth.credentials(req, {
            allow: ['user'],
          });
          requests.push({
            path: req.originalUrl.replace(/^\/api\/hostplane/, ''),
            caller: credentials.principal.userEntityRef,
          });
          next();
        });
        router.post('/clusters', express.json(), (req, res) => {
          if (req.query.dryRun !== 'true') {
            res.status(500).json({
              error: { name: 'Error', message: 'a dry run created a cluster' },
            });
            return;
          }
          if (req.body.name === 'taken') {
            res.status(409).json({
              error: {
                name: 'ConflictError',
                message: `A cluster named 'taken' already exists on hub '${req.body.hub}'`,
              },
              response: { statusCode: 409 },
            });
            return;
          }
          const planned: PlannedOperationView = {
            hub: req.body.hub,
            cluster: req.body.name,
            type: 'create',
            steps: ['ensureNamespace'],
          };
          res.json(planned);
        });
        httpRouter.use(router);
      },
    });
  },
});

describe('the New Cluster template through the real scaffolder', () => {
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        scaffolderModuleHostplane,
        hostplaneStandIn,
        catalogServiceMock.factory(),
      ],
    });
  });
  afterAll(async () => {
    await backend?.stop();
  });
  beforeEach(() => {
    requests.length = 0;
  });

  const dryRun = (values: Record<string, unknown>) =>
    request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .send({
        template: loadNewClusterTemplate(),
        values,
        secrets: { sshPublicKey: SSH_KEY },
        directoryContents: [],
      });
  const messages = (body: any): string[] =>
    body.log.map((entry: { body: { message: string } }) => entry.body.message);

  it("plans the cluster from the form's values, with the SSH key from the secrets and never in the log", async () => {
    const response = await dryRun(typicalValues);
    expect(response.status).toBe(200);
    const log = messages(response.body);
    expect(log).toContainEqual(
      expect.stringContaining(
        "Dry run: would create cluster 'shop' on hub 'local': Kubernetes v1.37.2, HighlyAvailable control plane, node pools workers (3 × 4 vCPU, 16 GiB), batch (1-5 × 16 vCPU, 64 GiB), owner group:default/team-a, the SSH public key from the task secrets. Nothing was created.",
      ),
    );
    expect(JSON.stringify(response.body)).not.toContain(SSH_KEY_DATA);
    // The API was asked on behalf of the user who runs the template.
    expect(requests).toEqual([
      { path: '/clusters?dryRun=true', caller: 'user:default/mock' },
    ]);

    expect(response.body.output.links).toEqual([
      {
        title: 'Open the cluster in the catalog',
        icon: 'catalog',
        entityRef: 'resource:default/shop.local',
      },
    ]);
    expect(response.body.output.text[0].content).toContain(
      '- batch: 1 to 5 machines (autoscaled) of 16 vCPU, 64 GiB memory and 200 GiB disk',
    );
  });

  it('fails when the name is taken on the hub', async () => {
    const response = await dryRun({ ...typicalValues, name: 'taken' });
    expect(response.status).toBe(409);
    expect(response.body.error).toEqual({
      name: 'ConflictError',
      message:
        "Could not create cluster 'taken' on hub 'local' (dry run): A cluster named 'taken' already exists on hub 'local' (Hostplane answered 409)",
    });
  });

  it("refuses form values outside the template's parameters before running anything", async () => {
    const response = await dryRun({ ...typicalValues, backupRetention: 0 });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        path: ['backupRetention'],
        message: 'must be greater than or equal to 1',
      }),
    ]);
    expect(requests).toEqual([]);
  });
});
