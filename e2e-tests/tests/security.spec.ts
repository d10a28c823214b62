import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { Page, expect, test } from '@playwright/test';
import {
  TenantProcesses,
  hubBinaries,
  relayAuditEvents,
} from '@hostplane/local-hub';
import { clusterEntityName } from '@hostplane/plugin-hostplane-common';
import { useE2eBackend } from '../support/e2eBackend';
import { e2eTenantsWorkdir } from '../support/hub';
import { visitUntilVisible } from '../support/portal';

const run = promisify(execFile);
const CLUSTER = 'e2e-attacked';
/** The attacked workload: a pod in its own namespace of the tenant. */
const NAMESPACE = 'shop';
const POD = 'web-1';

// The journey makes and deletes a real tenant; the backend's start (a hook) gets the same budget.
test.describe.configure({ timeout: 1_200_000 });

const backend = useE2eBackend();

/** A full-page screenshot kept under artifacts/screenshots. */
async function snapshot(page: Page, name: string) {
  await page.screenshot({
    path: `artifacts/screenshots/security-${name}.png`,
    fullPage: true,
  });
}

/** The Hostplane API as the guest, the user this spec is. */
async function api(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const token = await backend().guestToken();
  const response = await fetch(`${backend().baseUrl}/api/hostplane${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function phaseOf(name: string): Promise<string | undefined> {
  const { status, json } = await api('GET', `/clusters/local/${name}`);
  return status === 200 ? json.phase : undefined;
}

async function waitForPhase(name: string, phase: string | undefined) {
  await expect
    .poll(() => phaseOf(name), { timeout: 420_000, intervals: [2_000] })
    .toBe(phase);
}

/** kubectl in the tenant as its admin: the attacker holds the admin's credential. */
function adminKubectl(tenant: TenantProcesses, args: string[]) {
  return run(hubBinaries().kubectl, [
    '--kubeconfig',
    tenant.kubeconfigPath,
    ...args,
  ]).catch(error => ({ stdout: '', stderr: String(error.stderr) }));
}

test('a new user sees the alert from an attack on the Security tab, opens its report and applies the suggested NetworkPolicy', async ({
  page,
}) => {
  let stopRelay = () => {};
  try {
    const tenant = await attackedCluster();
    stopRelay = relayAuditEvents(tenant);
    await attack(tenant);
    await respondOnTheSecurityTab(page);
    // The NetworkPolicy in the tenant, as its API server has it.
    expect(await networkPolicies(tenant)).toContain(
      `networkpolicy.networking.k8s.io/hostplane-quarantine-${POD}`,
    );
    await findOnTheSecurityPage(page);
  } finally {
    stopRelay();
    if (await phaseOf(CLUSTER)) {
      await api('DELETE', `/clusters/local/${CLUSTER}`);
    }
    await waitForPhase(CLUSTER, undefined);
  }
});

function networkPolicies(tenant: TenantProcesses) {
  return adminKubectl(tenant, [
    'get',
    'networkpolicies',
    '-n',
    NAMESPACE,
    '-o',
    'name',
  ]).then(({ stdout }) => stdout);
}

/**
 * The guest's own cluster, made through the API as the New Cluster template would make it (the
 * backend gives it an audit webhook), with a workload in it; returns its tenant's processes.
 */
async function attackedCluster(): Promise<TenantProcesses> {
  const created = await api('POST', '/clusters', {
    name: CLUSTER,
    owner: 'group:default/guests',
    hub: 'local',
    version: 'v1.37.2',
    nodePools: [
      { name: 'workers', replicas: 1, vcpu: 2, memoryGiB: 4, diskGiB: 20 },
    ],
  });
  expect(created.status).toBe(202);
  await waitForPhase(CLUSTER, 'Ready');
  const { json: cluster } = await api('GET', `/clusters/local/${CLUSTER}`);
  const tenant = await TenantProcesses.open({
    namespace: cluster.namespace,
    name: CLUSTER,
    workdir: e2eTenantsWorkdir(),
  });

  const manifest = test.info().outputPath('victim.json');
  fs.writeFileSync(
    manifest,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: POD, namespace: NAMESPACE, labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'web', image: 'registry.k8s.io/pause:3.10' }],
          },
        },
      ],
    }),
  );
  await expect
    .poll(
      async () => {
        await adminKubectl(tenant, ['apply', '-f', manifest]);
        const { stdout } = await adminKubectl(tenant, [
          'get',
          'pod',
          POD,
          '-n',
          NAMESPACE,
          '-o',
          'name',
        ]);
        return stdout.trim();
      },
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBe(`pod/${POD}`);

  expect(await networkPolicies(tenant)).toBe('');
  return tenant;
}

/**
 * The attack: a command opened in the running pod with the admin's credential (a POST to
 * pods/exec, as kubectl sends it; KWOK runs no container, but the API server authorizes and
 * audits the request). Waits for its alert.
 */
async function attack(tenant: TenantProcesses) {
  const body = test.info().outputPath('exec-body.json');
  fs.writeFileSync(body, '{}');
  await adminKubectl(tenant, [
    'create',
    '--raw',
    `/api/v1/namespaces/${NAMESPACE}/pods/${POD}/exec?command=sh&stdin=true&stdout=true`,
    '-f',
    body,
  ]);
  await expect
    .poll(
      async () => {
        const { json } = await api(
          'GET',
          `/clusters/local/${CLUSTER}/threats/alerts`,
        );
        return (json?.items ?? []).some(
          (a: any) => a.ruleId === 'exec-into-pod' && a.subject.name === POD,
        );
      },
      { timeout: 120_000, intervals: [2_000] },
    )
    .toBe(true);
}

async function respondOnTheSecurityTab(page: Page) {
  const tabUrl = `${
    backend().baseUrl
  }/catalog/default/resource/${clusterEntityName('local', CLUSTER)}/security`;
  const alertRow = page.getByRole('row').filter({ hasText: 'Exec into a pod' });
  await visitUntilVisible(page, tabUrl, alertRow.first(), 240_000);
  await expect(alertRow.first()).toContainText(`pod ${NAMESPACE}/${POD} (by `);
  await expect(alertRow.first()).toContainText('Open');

  // The response policy: the guest owns the cluster, so may choose to get suggestions.
  await page.getByRole('radio', { name: /^Suggest/ }).check();
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByText(/Set by user:default\/guest/)).toBeVisible();
  await snapshot(page, '1-tab');

  // The report, from the alert's row, in a window tall enough for its screenshots to hold it.
  await page.setViewportSize({ width: 1280, height: 2400 });
  await alertRow
    .first()
    .getByRole('button', { name: /^Open the report of Exec into a pod/ })
    .click();
  const report = page.getByRole('dialog', { name: 'Threat report' });
  await expect(
    report.getByRole('heading', { name: 'Exec into a pod' }),
  ).toBeVisible();
  await expect(page).toHaveURL(/[?&]alert=/);
  const happened = report.getByRole('region', { name: 'What happened' });
  await expect(
    happened.getByText(`/api/v1/namespaces/${NAMESPACE}/pods/${POD}/exec`, {
      exact: false,
    }),
  ).toBeVisible();
  await expect(
    report
      .getByRole('region', { name: 'Why it is suspicious' })
      .getByRole('link', { name: /^T1609 Container Administration Command/ }),
  ).toBeVisible();
  await expect(
    report
      .getByRole('region', { name: 'Context' })
      .getByText('registry.k8s.io/pause:3.10'),
  ).toBeVisible();
  await snapshot(page, '2-report');

  // The suggested isolation: its YAML is the NetworkPolicy, applied after the dry run is shown.
  const suggestion = report.getByRole('listitem', {
    name: `Suggestion: Isolate pod ${NAMESPACE}/${POD}`,
  });
  await expect(suggestion).toContainText('kind: NetworkPolicy');
  await suggestion.getByRole('button', { name: 'Apply…' }).click();
  const confirm = page.getByRole('dialog', {
    name: `Apply: Isolate pod ${NAMESPACE}/${POD}`,
  });
  await expect(
    confirm.getByText(
      new RegExp(`NetworkPolicy\\s+${NAMESPACE}/hostplane-quarantine-${POD}`),
    ),
  ).toBeVisible();
  await snapshot(page, '3-confirm');
  await confirm.getByRole('button', { name: 'Apply' }).click();
  await expect(confirm).toBeHidden();

  // The action, recorded with who took it.
  const taken = report.getByRole('list', { name: 'Actions taken' });
  await expect(
    taken.getByText(`Isolate the pod (Pod ${NAMESPACE}/${POD}): done`),
  ).toBeVisible();
  await expect(taken.getByText(/By user:default\/guest/)).toBeVisible();
  await snapshot(page, '4-applied');
}

/** The portal-wide Security page lists the alert and links to its report. */
async function findOnTheSecurityPage(page: Page) {
  const link = page.getByRole('link', {
    name: `The report of Exec into a pod on ${CLUSTER}`,
  });
  await visitUntilVisible(page, `${backend().baseUrl}/security`, link, 60_000);
  await snapshot(page, '5-page');
  await link.click();
  await expect(
    page.getByRole('dialog', { name: 'Threat report' }),
  ).toBeVisible();
}
