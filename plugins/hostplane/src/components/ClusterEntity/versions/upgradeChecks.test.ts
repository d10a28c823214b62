import { aCluster } from '../__testUtils__/fixtures';
import {
  compareVersions,
  poolSkewWarnings,
  upgradeProblem,
} from './upgradeChecks';

describe('upgradeChecks', () => {
  it('orders versions by number, not by text', () => {
    expect(['v1.37.10', 'v1.37.2', 'v1.9.0'].sort(compareVersions)).toEqual([
      'v1.9.0',
      'v1.37.2',
      'v1.37.10',
    ]);
  });

  it('refuses what the server refuses, with its words', () => {
    const cluster = aCluster(); // v1.36.4
    expect(upgradeProblem(cluster, 'v1.36.5')).toBeUndefined();
    expect(upgradeProblem(cluster, 'v1.37.2')).toBeUndefined();
    expect(upgradeProblem(cluster, 'v1.38.1')).toBe(
      'upgrading from v1.36.4 to v1.38.1 skips a minor version; upgrade to v1.37 first (the control plane moves one minor version at a time)',
    );
    expect(upgradeProblem(cluster, 'v1.36.4')).toBe(
      'payments already runs v1.36.4',
    );
    expect(upgradeProblem(cluster, 'v1.35.0')).toBe(
      'downgrading from v1.36.4 to v1.35.0 is not supported',
    );
    expect(upgradeProblem(cluster, 'v2.0.0')).toMatch(/major versions/);
  });

  it('starts from the version Hostplane applied, and keeps kubelets within the skew policy', () => {
    const cluster = aCluster({
      version: 'v1.36.4',
      spec: { ...aCluster().spec!, version: 'v1.37.1' },
      nodePools: [
        { ...aCluster().nodePools[0], name: 'old', version: 'v1.34.2' },
      ],
    });
    expect(upgradeProblem(cluster, 'v1.38.0')).toBe(
      "node pool 'old' runs v1.34.2; v1.38.0 would put its kubelets more than 3 minor versions behind the API server",
    );
    expect(poolSkewWarnings(cluster)).toEqual([
      "Node pool 'old' runs v1.34.2, older than the control plane (v1.36.4).",
    ]);
    expect(poolSkewWarnings(aCluster())).toEqual([]);
  });
});
