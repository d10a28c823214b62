import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expectToMatchGolden } from '../testing/golden';
import {
  ALERT_RULE_GROUPS,
  CONTROL_PLANE_RULES,
  renderAlertRules,
} from './alertRules';

const run = promisify(execFile);
const TESTDATA = path.join(__dirname, '__testdata__');

describe('alert rules', () => {
  it('render to the rule file kept beside the test', () => {
    expectToMatchGolden(
      renderAlertRules(),
      path.join(TESTDATA, 'control-plane-rules.yaml'),
    );
  });

  it("fire on the series of Prometheus' own rule tests (promtool test rules)", async () => {
    // Debian's promtool (package prometheus): the rule file, its series and the alerts expected.
    const { stdout } = await run(
      '/usr/bin/promtool',
      ['test', 'rules', 'control-plane-rules.test.yaml'],
      { cwd: TESTDATA },
    ).catch(error => {
      throw new Error(
        `promtool test rules failed:\n${error.stdout}${error.stderr}`,
      );
    });
    expect(stdout).toContain('SUCCESS');
    // A day of backup series evaluated every minute takes promtool seconds on a busy machine.
  }, 60_000);

  it('keep the tenant labels and a severity on every alert, and a for of its own', () => {
    const rules = ALERT_RULE_GROUPS.flatMap(g => g.rules);
    expect(rules.map(r => r.alert)).toEqual(
      expect.arrayContaining([
        ...CONTROL_PLANE_RULES.map(r => r.alert),
        'NodesNotReady',
        'NodePoolCpuSaturated',
        'NodePoolMemorySaturated',
        'EtcdBackupMissing',
        'EtcdBackupFailed',
      ]),
    );
    expect(new Set(rules.map(r => r.alert)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(['critical', 'warning']).toContain(rule.labels.severity);
      expect(rule.for).toMatch(/^\d+m$/);
    }
    expect(
      renderAlertRules({ forOverride: '10s' }).groups.flatMap(g =>
        g.rules.map(r => r.for),
      ),
    ).toEqual(rules.map(() => '10s'));
  });
});
