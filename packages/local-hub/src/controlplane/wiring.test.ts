import path from 'node:path';
import { expectToMatchGolden } from '../testing/golden';
import { renderProcessWiring } from './wiring';

describe('renderProcessWiring', () => {
  it('wires logs, exec and port-forward of the control-plane pods as in the golden file', () => {
    expectToMatchGolden(
      renderProcessWiring({
        namespace: 'tenants-team-a-payments-prod',
        logFile: component =>
          `/cache/tenants/clusters/tenants-team-a-payments-prod/logs/${component}.cri.log`,
        etcdPort: 40001,
        kubeApiserverPort: 40002,
      }),
      path.join(__dirname, '__testdata__', 'process-wiring.yaml'),
    );
  });
});
