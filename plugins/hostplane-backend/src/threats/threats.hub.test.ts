import fs from 'node:fs';
import https from 'node:https';
import { relayAuditEvents, TenantProcesses } from '@hostplane/local-hub';
import type { ThreatAlert } from '@hostplane/plugin-hostplane-common';
import { waitFor } from '@hostplane/plugin-hostplane-node';
import { CoreV1Api } from '@kubernetes/client-node';
import request from 'supertest';
import {
  TENANT_CLUSTER,
  TENANT_NAMESPACE,
  useRealTenantBackend,
} from './__testUtils__/realTenantBackend';
import type { TestServer } from '../__testUtils__/hostplaneBackend';

jest.setTimeout(600_000);

const NAMESPACE = TENANT_NAMESPACE;
const CLUSTER = TENANT_CLUSTER;

interface TenantRequest {
  method?: string;
  body?: unknown;
  /** A bearer token instead of the admin's client certificate; '' for no credential at all. */
  token?: string;
  userAgent?: string;
  contentType?: string;
}

/** One request to a real tenant's API server, as its admin, a token's holder or anonymous. */
async function tenantRequest(
  tenant: TenantProcesses,
  path: string,
  options: TenantRequest = {},
): Promise<{ status: number; body: any }> {
  const kubeConfig = tenant.kubeConfig();
  const url = new URL(path, tenant.server);
  const requestOptions: https.RequestOptions = {
    method: options.method ?? 'GET',
    headers: {
      'User-Agent': options.userAgent ?? 'kubectl/v1.37.2 (linux/amd64)',
      ...(options.body !== undefined
        ? { 'Content-Type': options.contentType ?? 'application/json' }
        : {}),
    },
  };
  if (options.token === undefined) {
    await kubeConfig.applyToHTTPSOptions(requestOptions);
  } else {
    const cluster = kubeConfig.getCurrentCluster()!;
    requestOptions.ca = cluster.caData
      ? Buffer.from(cluster.caData, 'base64')
      : undefined;
    if (cluster.caFile) {
      requestOptions.ca = fs.readFileSync(cluster.caFile);
    }
    if (options.token) {
      (
        requestOptions.headers as Record<string, string>
      ).Authorization = `Bearer ${options.token}`;
    }
  }
  return new Promise((resolve, reject) => {
    const req = https.request(url, requestOptions, res => {
      const chunks: Buffer[] = [];
      res.on('data', chunk => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(JSON.stringify(options.body));
    req.end();
  });
}

describe('threat detection on a real tenant: audit webhook, rules, alerts', () => {
  const bed = useRealTenantBackend('threats', {
    // A fresh cluster has no history: nothing is first-ever until it has some.
    learningHours: 1,
  });
  let stopRelay: (() => void) | undefined;
  afterAll(() => stopRelay?.());
  let tenant: TenantProcesses;
  let backend: TestServer;
  const { context } = bed;

  beforeAll(() => {
    ({ tenant, backend } = bed);
  });

  const alerts = async (): Promise<ThreatAlert[]> => {
    const response = await request(backend.server).get(
      `/api/hostplane/clusters/local/${CLUSTER}/threats/alerts`,
    );
    expect(response.status).toBe(200);
    return response.body.items;
  };

  /** Runs an action and waits for its alert; returns the alert and how long it took. */
  const raised = async (
    action: () => Promise<unknown>,
    matches: (alert: ThreatAlert) => boolean,
    what: string,
  ) => {
    const started = Date.now();
    await action();
    const alert = await waitFor(
      what,
      async () => (await alerts()).find(matches),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    return { alert, ms: Date.now() - started };
  };

  it('configures the tenant API server from spec.auditWebhook and its Secret', async () => {
    const hc = await context.hub
      .kubeConfig()
      .makeApiClient(CoreV1Api)
      .readNamespacedSecret({
        namespace: NAMESPACE,
        name: `${CLUSTER}-audit-webhook`,
      });
    expect(Object.keys(hc.data ?? {})).toEqual(['webhook-kubeconfig']);
    const args = tenant.componentCommand('kube-apiserver').args;
    expect(args).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^--audit-webhook-config-file=/),
        '--audit-webhook-mode=batch',
      ]),
    );
  });

  it('raises nothing above low for a benign session of the owner', async () => {
    // The API server's webhook batches do not arrive on this machine (the first test checks
    // its configuration): the same events are relayed from its audit log.
    stopRelay = relayAuditEvents(tenant);
    const sessionStart = new Date().toISOString();
    const ns = 'storefront';
    await tenantRequest(tenant, '/api/v1/namespaces', {
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    });
    const deployment = (image: string, replicas: number) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image }] },
        },
      },
    });
    const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`;
    expect(
      (
        await tenantRequest(tenant, deployments, {
          method: 'POST',
          body: deployment('registry.k8s.io/pause:3.10', 1),
        })
      ).status,
    ).toBe(201);
    await tenantRequest(tenant, `${deployments}/web/scale`, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas: 2 } },
    });
    await tenantRequest(tenant, `${deployments}/web`, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: deployment('registry.k8s.io/pause:3.10.1', 2),
    });
    await tenantRequest(tenant, `/api/v1/namespaces/${ns}/pods`);
    await tenantRequest(tenant, `/api/v1/namespaces/${ns}/pods/web-0/log`);
    // The last step of the session, and the marker that detection has caught up with it.
    const { alert: portForward } = await raised(
      () =>
        tenantRequest(
          tenant,
          `/api/v1/namespaces/${ns}/pods/web-0/portforward?ports=80`,
          { method: 'POST' },
        ),
      a => a.ruleId === 'port-forward' && a.subject.namespace === ns,
      'the port-forward on record',
    );
    expect(portForward.level).toBe('low');
    // The session's alerts: the tenant's own start before it is not part of it.
    for (const alert of (await alerts()).filter(
      a => a.lastSeen >= sessionStart,
    )) {
      expect({ rule: alert.ruleId, level: alert.level }).toEqual({
        rule: alert.ruleId,
        level: 'low',
      });
    }
  });

  it('raises each step of an attack within 5 s with its subject', async () => {
    const ns = 'shop';
    await tenantRequest(tenant, '/api/v1/namespaces', {
      method: 'POST',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    });
    await tenantRequest(tenant, `/api/v1/namespaces/${ns}/pods`, {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-1' },
        spec: {
          containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }],
        },
      },
    });
    await tenantRequest(tenant, `/api/v1/namespaces/${ns}/serviceaccounts`, {
      method: 'POST',
      body: {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'web' },
      },
    });
    const latencies: number[] = [];

    const exec = await raised(
      () =>
        tenantRequest(
          tenant,
          `/api/v1/namespaces/${ns}/pods/web-1/exec?command=sh&stdin=true&stdout=true`,
          { method: 'POST' },
        ),
      a => a.ruleId === 'exec-into-pod' && a.subject.name === 'web-1',
      'the exec alert',
    );
    latencies.push(exec.ms);
    expect(exec.alert.subject).toMatchObject({
      kind: 'pod',
      namespace: ns,
      name: 'web-1',
    });

    const mount = await raised(
      () =>
        tenantRequest(tenant, `/api/v1/namespaces/${ns}/pods`, {
          method: 'POST',
          body: {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'rootfs' },
            spec: {
              containers: [
                {
                  name: 'c',
                  image: 'ghcr.io/evil/tools:1',
                  securityContext: { privileged: true },
                  volumeMounts: [{ name: 'host', mountPath: '/host' }],
                },
              ],
              volumes: [{ name: 'host', hostPath: { path: '/' } }],
            },
          },
        }),
      a => a.ruleId === 'sensitive-host-mount',
      'the host mount alert',
    );
    latencies.push(mount.ms);
    expect(mount.alert.subject).toMatchObject({
      kind: 'pod',
      namespace: ns,
      name: 'rootfs',
    });
    expect(mount.alert.level).toBe('critical');
    expect(
      (await alerts()).some(
        a => a.ruleId === 'privileged-pod' && a.subject.name === 'rootfs',
      ),
    ).toBe(true);

    const binding = await raised(
      () =>
        tenantRequest(
          tenant,
          '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
          {
            method: 'POST',
            body: {
              apiVersion: 'rbac.authorization.k8s.io/v1',
              kind: 'ClusterRoleBinding',
              metadata: { name: 'web-admin' },
              roleRef: {
                apiGroup: 'rbac.authorization.k8s.io',
                kind: 'ClusterRole',
                name: 'cluster-admin',
              },
              subjects: [
                { kind: 'ServiceAccount', name: 'web', namespace: ns },
              ],
            },
          },
        ),
      a =>
        a.ruleId === 'cluster-admin-binding' && a.subject.name === 'web-admin',
      'the cluster-admin binding alert',
    );
    latencies.push(binding.ms);
    expect(binding.alert.subject).toMatchObject({
      kind: 'binding',
      resource: 'clusterrolebindings',
      name: 'web-admin',
    });

    // The attacker takes the service account's token and reads secrets with it.
    const token = await tenantRequest(
      tenant,
      `/api/v1/namespaces/${ns}/serviceaccounts/web/token`,
      {
        method: 'POST',
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: {},
        },
      },
    );
    expect(token.status).toBe(201);
    const stolen = await raised(
      () =>
        tenantRequest(tenant, '/api/v1/namespaces/kube-system/secrets', {
          token: token.body.status.token,
        }),
      a => a.ruleId === 'secret-read-interactive-token',
      'the stolen token alert',
    );
    latencies.push(stolen.ms);
    expect(stolen.alert.subject).toEqual({
      kind: 'user',
      user: `system:serviceaccount:${ns}:web`,
    });
    expect(stolen.alert.likelihoodTerms.map(t => t.term)).toContain(
      'clusterAdmin',
    );

    const hammering = await raised(
      () =>
        Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            tenantRequest(tenant, i % 2 ? '/api/v1/secrets' : '/api/v1/pods', {
              token: '',
              userAgent: 'curl/8.5.0',
            }),
          ),
        ),
      a => a.ruleId === 'anonymous-burst',
      'the anonymous burst alert',
    );
    latencies.push(hammering.ms);
    expect(hammering.alert.subject.kind).toBe('user');
    expect(hammering.alert.anomalies[0]).toMatchObject({ kind: 'deniedBurst' });

    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.ceil(latencies.length * 0.95) - 1];
    expect(p95).toBeLessThan(5_000);
  });
});
