import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expectToMatchGolden } from '../testing/golden';
import { CONTROL_PLANE_RULES, renderAlertRules } from './alertRules';

const run = promisify(execFile);
const TESTDATA = path.join(__dirname, '__testdata__');

describe('control-plane alert rules', () => {
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
  });

  it('keep the tenant labels and a severity on every alert, and a for of its own', () => {
    for (const rule of CONTROL_PLANE_RULES) {
      expect(['critical', 'warning']).toContain(rule.labels.severity);
      expect(rule.for).toMatch(/^\d+m$/);
    }
    expect(
      renderAlertRules({ forOverride: '10s' }).groups[0].rules.map(r => r.for),
    ).toEqual(CONTROL_PLANE_RULES.map(() => '10s'));
  });
});
