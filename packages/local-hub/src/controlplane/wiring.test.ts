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
        etcdClientPorts: [40001],
        kubeApiserverPort: 40002,
      }),
      path.join(__dirname, '__testdata__', 'process-wiring.yaml'),
    );
  });

  it('wires the pods of further etcd members to their own processes, as in the golden file', () => {
    expectToMatchGolden(
      renderProcessWiring({
        namespace: 'tenants-team-a-payments-prod',
        logFile: component =>
          `/cache/tenants/clusters/tenants-team-a-payments-prod/logs/${component}.cri.log`,
        etcdClientPorts: [40001, 40003, 40005],
        kubeApiserverPort: 40002,
      }),
      path.join(
        __dirname,
        '__testdata__',
        'process-wiring-three-etcd-members.yaml',
      ),
    );
  });
});
