import path from 'node:path';
import { expectToMatchGolden } from '../testing/golden';
import { DEMO_WORKLOAD, renderDemoWorkload } from './demoWorkload';
import { REAL_DEMO_TENANTS, demoTenants } from './demo';

describe('the demo workload', () => {
  it('renders as the golden file', () => {
    expectToMatchGolden(
      renderDemoWorkload(DEMO_WORKLOAD),
      path.join(__dirname, '__testdata__', 'demo-workload.yaml'),
    );
  });

  it('labels every object and pod for the Kubernetes plugin, and selects its own pods', () => {
    const [, deployment, service] = renderDemoWorkload({
      component: 'checkout',
      namespace: 'shop',
      replicas: 2,
    }) as any[];
    for (const labels of [
      deployment.metadata.labels,
      deployment.spec.template.metadata.labels,
      service.metadata.labels,
    ]) {
      expect(labels['backstage.io/kubernetes-id']).toBe('checkout');
    }
    expect(deployment.spec.template.metadata.labels).toMatchObject(
      deployment.spec.selector.matchLabels,
    );
    expect(deployment.spec.template.metadata.labels).toMatchObject(
      service.spec.selector,
    );
    expect(deployment.metadata.namespace).toBe('shop');
    expect(deployment.spec.replicas).toBe(2);
  });

  it('runs in a demo tenant that has a real control plane', () => {
    const { namespace, name } = DEMO_WORKLOAD.tenant;
    expect(REAL_DEMO_TENANTS).toContain(name);
    expect(
      demoTenants().find(t => t.name === name && t.namespace === namespace),
    ).toBeDefined();
  });
});
