import path from 'node:path';
import { expectToMatchGolden } from '../testing/golden';
import { renderMachine } from './machines';

describe('renderMachine', () => {
  it('renders the VM, VMI and virt-launcher pod of a pool replica as in the golden file', () => {
    expectToMatchGolden(
      renderMachine({
        namespace: 'tenants-team-a-payments-prod',
        pool: 'workers',
        index: 1,
        cores: 4,
        memory: '16Gi',
      }),
      path.join(__dirname, '__testdata__', 'machine.yaml'),
    );
  });
});
