import { expect, test } from '@playwright/test';
import {
  Database,
  RunningBackend,
  databasesWithPrefix,
  dropDatabasesWithPrefix,
  startBackend,
} from '@hostplane/local-hub';
import { e2eHubKubeconfig } from '../support/hub';

for (const database of ['sqlite', 'postgres'] as Database[]) {
  test.describe(`backend on ${database}`, () => {
    let backend: RunningBackend | undefined;

    test.afterEach(async ({}, testInfo) => {
      if (!backend) return;
      const log = await backend.stop();
      await testInfo.attach('backend.log', {
        body: log,
        contentType: 'text/plain',
      });
      if (backend.postgresPrefix) {
        await dropDatabasesWithPrefix(backend.postgresPrefix);
      }
    });

    test('starts, stores data, and reports the local hub', async ({
      request,
    }) => {
      backend = await startBackend({
        database,
        hubKubeconfig: e2eHubKubeconfig(),
      });
      const headers = { Authorization: `Bearer ${await backend.guestToken()}` };

      const hubs = await request.get(`${backend.baseUrl}/api/hostplane/hubs`, {
        headers,
      });
      expect(hubs.status()).toBe(200);
      expect((await hubs.json()).items).toEqual([
        expect.objectContaining({
          name: 'local',
          reachable: true,
          kubernetesVersion: 'v1.37.2',
          missingApis: [],
        }),
      ]);

      // A write and a read through a plugin's own tables: proof that the database is in use.
      const setting = `${backend.baseUrl}/api/user-settings/buckets/e2e/keys/theme`;
      const put = await request.put(setting, {
        headers,
        data: { value: `dark-on-${database}` },
      });
      expect(put.status()).toBe(200);
      const get = await request.get(setting, { headers });
      expect((await get.json()).value).toBe(`dark-on-${database}`);

      if (database === 'postgres') {
        expect(await databasesWithPrefix(backend.postgresPrefix!)).toEqual(
          expect.arrayContaining([
            `${backend.postgresPrefix}catalog`,
            `${backend.postgresPrefix}user-settings`,
          ]),
        );
      }
    });
  });
}
