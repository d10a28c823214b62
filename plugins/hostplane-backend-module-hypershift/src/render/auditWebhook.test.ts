import { CLUSTER_LABEL, OWNER_LABEL } from '@hostplane/plugin-hostplane-common';
import { releases, singleReplica } from '../__fixtures__/clusters';
import {
  AUDIT_WEBHOOK_KUBECONFIG_KEY,
  auditWebhookSecretName,
  renderAuditWebhookSecret,
} from './auditWebhook';
import { renderHostedCluster } from './hostedCluster';

describe('the audit webhook', () => {
  it('is set on the HostedCluster only when asked for, with the write-bodies profile', () => {
    const without = renderHostedCluster(
      singleReplica,
      releases['v1.37.2'],
    ) as any;
    expect(without.spec.auditWebhook).toBeUndefined();
    expect(without.spec.configuration).toBeUndefined();

    const withWebhook = renderHostedCluster(
      singleReplica,
      releases['v1.37.2'],
      {
        auditWebhook: true,
      },
    ) as any;
    expect(withWebhook.spec.auditWebhook).toEqual({
      name: auditWebhookSecretName(singleReplica.name),
    });
    expect(withWebhook.spec.configuration.apiServer.audit.profile).toBe(
      'WriteRequestBodies',
    );
  });

  it("renders the Secret it names: a kubeconfig to the cluster's URL with its token", () => {
    const secret = renderAuditWebhookSecret(singleReplica, {
      url: 'https://portal.example.com/api/hostplane/threats/audit/local/payments',
      token: 'cluster-token',
    });
    const hc = renderHostedCluster(singleReplica, releases['v1.37.2'], {
      auditWebhook: true,
    }) as any;
    expect(secret.metadata).toMatchObject({
      namespace: hc.metadata.namespace,
      name: hc.spec.auditWebhook.name,
    });
    expect(secret.metadata!.labels).toMatchObject({
      [CLUSTER_LABEL]: expect.any(String),
      [OWNER_LABEL]: expect.any(String),
    });
    const kubeconfig = JSON.parse(
      secret.stringData[AUDIT_WEBHOOK_KUBECONFIG_KEY],
    );
    expect(kubeconfig.clusters[0].cluster.server).toBe(
      'https://portal.example.com/api/hostplane/threats/audit/local/payments',
    );
    expect(kubeconfig.users[0].user.token).toBe('cluster-token');
    expect(kubeconfig['current-context']).toBe('hostplane');
  });
});
