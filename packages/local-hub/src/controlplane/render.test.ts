import path from 'node:path';
import { expectToMatchGolden } from '../testing/golden';
import { renderControlPlane } from './render';

const input = {
  namespace: 'tenants-team-a',
  name: 'payments-prod',
  rootCa:
    '-----BEGIN CERTIFICATE-----\nnot a real certificate\n-----END CERTIFICATE-----\n',
  rootCaKey: 'not a real key (the renderer copies it as it is)\n',
  adminKubeconfig: 'apiVersion: v1\nkind: Config\n',
  releaseImage: 'registry.hostplane.local/kubernetes-release:v1.37.2',
};

describe('renderControlPlane', () => {
  it.each([
    ['single-replica', false],
    ['highly-available', true],
  ])(
    'renders a %s control plane as in the golden file',
    (name, highlyAvailable) => {
      expectToMatchGolden(
        renderControlPlane({ ...input, highlyAvailable }),
        path.join(__dirname, '__testdata__', `control-plane-${name}.yaml`),
      );
    },
  );
});
