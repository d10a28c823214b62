import {
  MAX_KUBELET_SKEW,
  UpgradeSubject,
  compareVersions,
  parseVersion,
  upgradeRefusal,
} from './versions';

const payments = (...poolVersions: string[]): UpgradeSubject => ({
  name: 'payments',
  nodePools: poolVersions.map((version, i) => ({
    name: `pool-${i}`,
    version,
  })),
});

describe('parseVersion', () => {
  it('reads vMAJOR.MINOR.PATCH and nothing else', () => {
    expect(parseVersion('v1.37.10')).toEqual([1, 37, 10]);
    for (const version of ['1.37.2', 'v1.37', 'v1.37.2-rc.1', '4.17.0', '']) {
      expect(parseVersion(version)).toBeUndefined();
    }
  });
});

describe('compareVersions', () => {
  it('orders versions by number, not by text', () => {
    expect(['v1.37.10', 'v1.37.2', 'v1.9.0'].sort(compareVersions)).toEqual([
      'v1.9.0',
      'v1.37.2',
      'v1.37.10',
    ]);
    expect(compareVersions('v2.0.0', 'v1.99.99')).toBeGreaterThan(0);
    expect(compareVersions('v1.36.4', 'v1.36.4')).toBe(0);
  });

  it('sorts versions that do not parse first', () => {
    expect(['v1.36.4', 'latest', 'v1.35.0'].sort(compareVersions)).toEqual([
      'latest',
      'v1.35.0',
      'v1.36.4',
    ]);
  });
});

describe('upgradeRefusal', () => {
  it('allows a newer patch and the next minor version', () => {
    const cluster = payments('v1.36.4');
    expect(upgradeRefusal(cluster, 'v1.36.4', 'v1.36.5')).toBeUndefined();
    expect(upgradeRefusal(cluster, 'v1.36.4', 'v1.37.2')).toBeUndefined();
  });

  it('refuses the same version, downgrades and major version changes, with the reason', () => {
    const cluster = payments('v1.36.4');
    expect(upgradeRefusal(cluster, 'v1.36.4', 'v1.36.4')).toEqual({
      rule: 'sameVersion',
      message: "Cluster 'payments' already runs v1.36.4",
    });
    expect(upgradeRefusal(cluster, 'v1.36.4', 'v1.35.6')).toEqual({
      rule: 'downgrade',
      message: 'downgrading from v1.36.4 to v1.35.6 is not supported',
    });
    expect(upgradeRefusal(cluster, 'v1.36.4', 'v2.0.0')).toEqual({
      rule: 'majorVersion',
      message:
        'upgrading across major versions (v1.36.4 to v2.0.0) is not supported',
    });
  });

  it('moves the control plane one minor version at a time', () => {
    expect(upgradeRefusal(payments('v1.36.4'), 'v1.36.4', 'v1.38.1')).toEqual({
      rule: 'skipsMinor',
      message:
        'upgrading from v1.36.4 to v1.38.1 skips a minor version; upgrade to v1.37 first (the control plane moves one minor version at a time)',
    });
  });

  it(`keeps kubelets at most ${MAX_KUBELET_SKEW} minor versions behind the API server`, () => {
    expect(
      upgradeRefusal(payments('v1.37.2', 'v1.35.0'), 'v1.37.1', 'v1.38.0'),
    ).toBeUndefined();
    expect(
      upgradeRefusal(payments('v1.37.2', 'v1.34.2'), 'v1.37.1', 'v1.38.0'),
    ).toEqual({
      rule: 'kubeletSkew',
      message:
        "node pool 'pool-1' runs v1.34.2; v1.38.0 would put its kubelets more than 3 minor versions behind the API server",
    });
  });

  it('leaves versions that do not parse to the schemas that refuse them', () => {
    expect(upgradeRefusal(payments(), 'v1.36.4', 'latest')).toBeUndefined();
    expect(upgradeRefusal(payments('4.17.0'), 'v1.36.4', 'v1.37.0')).toBe(
      undefined,
    );
  });
});
