import { randomBytes } from 'node:crypto';
import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { migrationsDirectory } from '../database/migrations';
import {
  RestoreUrlSigner,
  readRestoreUrlSettings,
  sharedSigningKey,
} from './restoreUrls';

const backup = {
  hub: 'local',
  namespace: 'tenants-team-a',
  cluster: 'payments',
  backupId: '20261208T101500Z-a1b2c3',
};

describe('RestoreUrlSigner', () => {
  let now = new Date('2026-12-08T10:00:00Z');
  const key = randomBytes(32);
  const signer = new RestoreUrlSigner(
    key,
    'https://portal.example/api/hostplane/',
    15 * 60_000,
    () => now,
  );
  const tokenOf = (url: string) => url.split('/').pop()!;

  it('signs a URL below the plugin that names the backup until it expires', () => {
    const url = signer.url(backup);
    expect(url).toMatch(
      /^https:\/\/portal\.example\/api\/hostplane\/restore-snapshots\/[\w-]+\.[\w-]+$/,
    );
    expect(signer.verify(tokenOf(url))).toEqual({
      ...backup,
      expiresAt: now.getTime() + 15 * 60_000,
    });
  });

  it('refuses a token altered, signed with another key, malformed or expired', () => {
    const token = tokenOf(signer.url(backup));
    const [payload, signature] = token.split('.');
    const other = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const altered = `${Buffer.from(
      JSON.stringify({ ...other, cluster: 'another' }),
    ).toString('base64url')}.${signature}`;
    expect(() => signer.verify(altered)).toThrow(
      'This restore snapshot URL is not signed by this portal',
    );
    const foreign = new RestoreUrlSigner(randomBytes(32), 'https://x', 60_000);
    expect(() => signer.verify(tokenOf(foreign.url(backup)))).toThrow(
      'is not signed by this portal',
    );
    expect(() => signer.verify('no-dot')).toThrow('is malformed');
    expect(() => signer.verify(`${token}.extra`)).toThrow('is malformed');
    now = new Date(now.getTime() + 15 * 60_000 + 1);
    expect(() => signer.verify(token)).toThrow('has expired');
  });
});

describe('readRestoreUrlSettings', () => {
  it('defaults to 15 minutes and the shared key, and checks what is configured', () => {
    expect(readRestoreUrlSettings(mockServices.rootConfig())).toEqual({
      expiryMs: 15 * 60_000,
      signingKey: undefined,
      baseUrl: undefined,
    });
    const configured = (restoreUrls: object) =>
      readRestoreUrlSettings(
        mockServices.rootConfig({
          data: { hostplane: { backups: { restoreUrls } } },
        }),
      );
    expect(
      configured({ expiryMinutes: 5, signingKey: 'k'.repeat(32) }),
    ).toMatchObject({
      expiryMs: 5 * 60_000,
      signingKey: Buffer.from('k'.repeat(32)),
    });
    expect(() => configured({ signingKey: 'short' })).toThrow(
      'at least 32 characters',
    );
    expect(() => configured({ expiryMinutes: 0 })).toThrow(
      'between 0 and 1440',
    );
  });
});

describe('sharedSigningKey', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('generates one key, and every later caller reads the same', async () => {
    const db = await databases.init('SQLITE_3');
    await db.migrate.latest({ directory: migrationsDirectory });
    const first = await sharedSigningKey(db);
    expect(first).toHaveLength(32);
    expect(await sharedSigningKey(db)).toEqual(first);
  });
});
