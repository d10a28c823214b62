import { PageBlueprint, useApi } from '@backstage/frontend-plugin-api';
import { renderTestApp } from '@backstage/frontend-test-utils';
import kubernetesPlugin from '@backstage/plugin-kubernetes/alpha';
import { kubernetesAuthProvidersApiRef } from '@backstage/plugin-kubernetes-react';
import { screen } from '@testing-library/react';
import { useEffect, useState } from 'react';
import { kubernetesModule } from './index';

/** Shows what the app's auth providers API makes of a request for a Hostplane cluster. */
function Probe() {
  const providers = useApi(kubernetesAuthProvidersApiRef);
  const [answer, setAnswer] = useState<string>();
  useEffect(() => {
    providers
      .decorateRequestBodyForAuth('hostplane', {
        entity: { metadata: { name: 'payments-api' } },
      } as any)
      .then(
        body => setAnswer(`body: ${JSON.stringify(body)}`),
        error => setAnswer(`refused: ${error.message}`),
      );
  }, [providers]);
  return answer ? <p>{answer}</p> : null;
}

const probePage = PageBlueprint.make({
  name: 'probe',
  params: { path: '/', loader: async () => <Probe /> },
});

describe('kubernetesModule', () => {
  it("overrides the Kubernetes plugin's auth providers, so that Hostplane clusters are accepted", async () => {
    renderTestApp({
      features: [kubernetesPlugin, kubernetesModule],
      extensions: [probePage],
    });
    expect(
      await screen.findByText(
        'body: {"entity":{"metadata":{"name":"payments-api"}}}',
      ),
    ).toBeInTheDocument();
  });

  it('is needed: without it the Kubernetes plugin refuses them', async () => {
    renderTestApp({ features: [kubernetesPlugin], extensions: [probePage] });
    expect(
      await screen.findByText(
        /refused: .*hostplane.* no KubernetesAuthProvider/,
      ),
    ).toBeInTheDocument();
  });
});
