import { ConfigReader } from '@backstage/config';
import { localBackupDirectory, readBackupStoreConfigs } from './config';

const hub = (backups?: object) => ({
  name: 'east',
  kubeconfig: '/etc/hubs/east.yaml',
  releases: [],
  ...(backups && { backups }),
});
const read = (...hubs: object[]) =>
  readBackupStoreConfigs(new ConfigReader({ hostplane: { hubs } }));

describe('readBackupStoreConfigs', () => {
  it('gives the implicit local hub a directory in the cache', () => {
    expect(readBackupStoreConfigs(new ConfigReader({}))).toEqual(
      new Map([
        ['local', { type: 'directory', path: localBackupDirectory('local') }],
      ]),
    );
    expect(localBackupDirectory('local')).toMatch(/\/backups\/local$/);
  });

  it('leaves out hubs without backups', () => {
    expect(read(hub())).toEqual(new Map());
  });

  it('reads a directory store', () => {
    expect(read(hub({ directory: { path: '/var/backups' } }))).toEqual(
      new Map([['east', { type: 'directory', path: '/var/backups' }]]),
    );
  });

  it('reads an S3 store with defaults, and with every setting', () => {
    expect(read(hub({ s3: { bucket: 'etcd' } })).get('east')).toEqual({
      type: 's3',
      bucket: 'etcd',
      prefix: '',
      region: 'us-east-1',
      endpoint: undefined,
      forcePathStyle: false,
      credentials: undefined,
    });
    const s3 = {
      bucket: 'etcd',
      prefix: 'hostplane/',
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'shh' },
    };
    expect(read(hub({ s3 })).get('east')).toEqual({
      type: 's3',
      ...s3,
      credentials: { ...s3.credentials, sessionToken: undefined },
    });
  });

  it.each([
    [
      {},
      "hostplane.hubs: hub 'east' backups: set exactly one of 'directory' and 's3'",
    ],
    [
      { directory: { path: '/a' }, s3: { bucket: 'b' } },
      "hostplane.hubs: hub 'east' backups: set exactly one of 'directory' and 's3'",
    ],
    [
      { directory: { path: 'relative' } },
      "hostplane.hubs: hub 'east' backups: directory path 'relative' must be absolute",
    ],
    [
      { s3: { bucket: 'b', prefix: 'no-slash' } },
      "hostplane.hubs: hub 'east' backups: s3 prefix 'no-slash' must end with '/'",
    ],
  ])('refuses %j', (backups, message) => {
    expect(() => read(hub(backups))).toThrow(message);
  });
});
