import { clusterSpecSchema } from './clusterSpec';

// Public halves of keys made with ssh-keygen for this test.
const ED25519 =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKlVgEvB4dH6v2OdomeHrNSbbX+KG7Nu5ClbsOmKKlUH alice@laptop';
const RSA =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDCog57NAzO0QNsa7QrZPTkhbW2q8YCHuEKVOVxPolaD989tINzo81Wpl0KYsIaQP5y2AZI22dOppixgZJLIyiGGJ78Z3c507LiuXu2L6chdKXnNw6YaQZQSHswuDek1ErgKlMOSMf4NwkOd0llXWzeSRpXPmBGerLb8Z/CITtauQ== bob at work';
const ECDSA =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEOwhIBM5bjea1mSYSC8D+Fb73bOLgbu2L2UMQDJVrr91mzdYFEl7ozV/NAO6LzjxvlIb/yOXM9OL6CgaWW8YOc= carol';

const spec = {
  name: 'shop',
  owner: 'group:default/team-a',
  hub: 'local',
  version: 'v1.37.2',
  nodePools: [
    { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
  ],
};

function sshKeyIssues(sshPublicKey: unknown) {
  const result = clusterSpecSchema.safeParse({ ...spec, sshPublicKey });
  return result.success
    ? []
    : result.error.issues.map(issue => ({
        path: issue.path,
        message: issue.message,
      }));
}

describe('sshPublicKey', () => {
  it('is optional', () => {
    expect(clusterSpecSchema.parse(spec).sshPublicKey).toBeUndefined();
  });

  it.each([
    ['ed25519', ED25519],
    ['RSA', RSA],
    ['ECDSA P-256', ECDSA],
    ['ed25519 (no comment)', ED25519.split(' ').slice(0, 2).join(' ')],
  ])('accepts an OpenSSH %s public key', (_kind, key) => {
    expect(sshKeyIssues(key)).toEqual([]);
  });

  it('trims the line break a pasted key brings along', () => {
    expect(
      clusterSpecSchema.parse({ ...spec, sshPublicKey: `${ED25519}\n` })
        .sshPublicKey,
    ).toBe(ED25519);
  });

  const format =
    "sshPublicKey must be one OpenSSH public key line: 'ssh-ed25519', 'ssh-rsa' or 'ecdsa-sha2-nistp256', a space, the base64 key and an optional comment";

  it.each([
    ['an empty string', ''],
    ['a DSA key', ED25519.replace('ssh-ed25519', 'ssh-dss')],
    ['two keys', `${ED25519}\n${RSA}`],
    ['a key without its base64 part', 'ssh-ed25519'],
    ['base64 with a stray character', ED25519.replace('AAAAI', 'AA!AI')],
    // Assembled here so that no private-key header stands in the source.
    ['a private key', ['-----BEGIN OPENSSH', 'PRIVATE', 'KEY-----'].join(' ')],
  ])('refuses %s, naming the field without repeating it', (_what, key) => {
    expect(sshKeyIssues(key)).toEqual([
      { path: ['sshPublicKey'], message: format },
    ]);
  });

  it('refuses a line whose key type and key data disagree', () => {
    const [, rsaData] = RSA.split(' ');
    expect(sshKeyIssues(`ssh-ed25519 ${rsaData} mixed`)).toEqual([
      {
        path: ['sshPublicKey'],
        message:
          "sshPublicKey's base64 part is not a ssh-ed25519 key (the line may be cut short or mixed up)",
      },
    ]);
  });

  it('refuses a key cut short after its type', () => {
    const [type, data] = ED25519.split(' ');
    const typeOnly = Buffer.from(data, 'base64').subarray(0, 15);
    expect(sshKeyIssues(`${type} ${typeOnly.toString('base64')}`)).toEqual([
      {
        path: ['sshPublicKey'],
        message:
          "sshPublicKey's base64 part is not a ssh-ed25519 key (the line may be cut short or mixed up)",
      },
    ]);
  });

  it('refuses a value that is not a string', () => {
    expect(sshKeyIssues(42)).toEqual([
      { path: ['sshPublicKey'], message: 'sshPublicKey must be a string' },
    ]);
  });
});
