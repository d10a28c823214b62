import { aCluster } from '../__testUtils__/fixtures';
import { poolSkewWarnings, upgradeProblem } from './upgradeChecks';

// The version rules themselves are tested with upgradeRefusal in -common.
describe('upgradeChecks', () => {
  it("refuses what the server refuses, with the server's words", () => {
    const cluster = aCluster(); // v1.36.4
    expect(upgradeProblem(cluster, 'v1.37.2')).toBeUndefined();
    expect(upgradeProblem(cluster, 'v1.36.4')).toBe(
      "Cluster 'payments' already runs v1.36.4",
    );
    expect(upgradeProblem(cluster, 'v1.38.1')).toBe(
      'upgrading from v1.36.4 to v1.38.1 skips a minor version; upgrade to v1.37 first (the control plane moves one minor version at a time)',
    );
  });

  it('starts from the version Hostplane applied, and warns of pools behind the control plane', () => {
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

  it('finds no problem while the cluster has no version yet', () => {
    expect(
      upgradeProblem(
        aCluster({ version: undefined, spec: undefined }),
        'v1.37.2',
      ),
    ).toBeUndefined();
  });
});
