import path from 'node:path';
import { expectToMatchGolden } from '../testing/golden';
import { planMachines, renderMachine } from './machines';

const machine = {
  namespace: 'tenants-team-a-payments-prod',
  pool: 'workers',
  index: 1,
  cores: 4,
  memory: '16Gi',
};

describe('renderMachine', () => {
  it('renders the VM, VMI and virt-launcher pod of a pool replica as in the golden file', () => {
    expectToMatchGolden(
      renderMachine(machine),
      path.join(__dirname, '__testdata__', 'machine.yaml'),
    );
  });

  it('marks the VM and VMI of a machine that fails to boot, and leaves out its virt-launcher pod', () => {
    const rendered = renderMachine({ ...machine, failsToBoot: true });
    expect(rendered.map(o => o.kind)).toEqual([
      'VirtualMachine',
      'VirtualMachineInstance',
    ]);
    for (const object of rendered) {
      expect(object.metadata).toMatchObject({
        annotations: { 'hostplane.io/inject-failure': 'vm-boot' },
      });
    }
  });
});

describe('planMachines', () => {
  const pool = { replicas: 2, cores: 4, memory: '16Gi' };
  const existing = [
    { pool: 'workers', name: 'workers-0' },
    { pool: 'batch', name: 'batch-0' },
    { pool: 'batch', name: 'batch-4' },
  ];

  it('plans one machine per replica, marking those of a pool whose VMs fail to boot', () => {
    const plan = planMachines(
      'ns',
      [
        { name: 'workers', ...pool },
        { name: 'batch', ...pool, replicas: 1, failure: 'vm-boot' },
      ],
      existing,
    );
    expect(
      plan.render.map(m => [m.pool, m.index, m.failsToBoot ?? false]),
    ).toEqual([
      ['workers', 0, false],
      ['workers', 1, false],
      ['batch', 0, true],
    ]);
    expect(plan.keep).toEqual([]);
  });

  it('keeps exactly the machines of a stalled pool, whatever its size', () => {
    const plan = planMachines(
      'ns',
      [
        { name: 'workers', ...pool },
        { name: 'batch', ...pool, replicas: 5, failure: 'stall' },
      ],
      existing,
    );
    expect(plan.render.map(m => m.pool)).toEqual(['workers', 'workers']);
    expect(plan.keep).toEqual(['batch-0', 'batch-4']);
  });
});
