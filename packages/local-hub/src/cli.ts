import path from 'node:path';
import { getRaw } from '@hostplane/plugin-hostplane-node';
import { LOCAL_HUB_FIELD_MANAGER, LocalHub } from './LocalHub';
import { TenantProcesses } from './TenantProcesses';
import {
  REAL_DEMO_TENANTS,
  TenantPlan,
  applyRealTenants,
  demoTenants,
  planTenants,
  seedDemoWorkload,
  seedTenants,
} from './seed';
import { StandinOperator } from './standin';
import { LocalLogStore, standinTenantLogFiles } from './logs';
import { localPortalWebhook, startMonitoring } from './monitoring';
import {
  LOCAL_HUB_ALERTMANAGER_URL,
  LOCAL_HUB_METRICS_URL,
  LOCAL_HUB_LOGS_URL,
} from '@hostplane/plugin-hostplane-common';
import { DEMO_TIMINGS, FAST_TIMINGS } from './stages';

const USAGE = `Usage: yarn hub [start|seed|delete] [--name NAME] [--fast] [--count N] [--seed S]

  start   start the local hub (created on first use, restarted after) with the demo tenants, and
          print its kubeconfig path; it runs until Ctrl-C, which stops its processes and keeps
          its state
  seed    add N status-only tenants (default 10000) across a few hundred teams to the running
          hub, for scale tests and benchmarks; the same --seed gives the same tenants
  delete  stop the hub and the demo's real tenants and remove their state
  --fast  near-zero simulated delays (the tests' setting) instead of the demo's realistic ones`;

function option(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

async function main(argv: string[]) {
  const command = argv[0] && !argv[0].startsWith('--') ? argv[0] : 'start';
  const name = option(argv, '--name') ?? 'hub';
  const log = (message: string) =>
    process.stderr.write(`[local-hub] ${message}\n`);
  if (command === 'start') {
    const hub = await LocalHub.start({
      name,
      timings: argv.includes('--fast') ? FAST_TIMINGS : DEMO_TIMINGS,
      log,
    });
    // The stand-in for HyperShift's and KubeVirt's operators runs the real demo tenants.
    const operator = new StandinOperator({
      hubKubeConfig: hub.kubeConfig(),
      log,
    });
    await operator.start();
    // The portal's implicit local hub reads metrics from LOCAL_HUB_METRICS_URL and alerts from
    // LOCAL_HUB_ALERTMANAGER_URL, which calls its webhook.
    const monitoring = await startMonitoring(hub, {
      victoriaMetricsPort: Number(new URL(LOCAL_HUB_METRICS_URL).port),
      alerting: {
        alertmanagerPort: Number(new URL(LOCAL_HUB_ALERTMANAGER_URL).port),
        webhook: localPortalWebhook(hub),
      },
      log,
    });
    // The portal's implicit local hub searches control-plane logs at LOCAL_HUB_LOGS_URL.
    const logStore = await LocalLogStore.start({
      hub: 'local',
      workdir: path.join(hub.workdir, 'logs', name),
      port: Number(new URL(LOCAL_HUB_LOGS_URL).port),
      tenants: standinTenantLogFiles(operator),
      log,
    });
    const demo = demoTenants();
    const isReal = (t: TenantPlan) => REAL_DEMO_TENANTS.includes(t.name);
    await seedTenants(
      hub.kubeConfig(),
      demo.filter(t => !isReal(t)),
      {
        fieldManager: LOCAL_HUB_FIELD_MANAGER,
      },
    );
    await applyRealTenants(
      hub.kubeConfig(),
      demo.filter(isReal),
      LOCAL_HUB_FIELD_MANAGER,
    );
    // In the background: the tenant's control plane takes a minute or two to come up.
    seedDemoWorkload(operator, { fieldManager: LOCAL_HUB_FIELD_MANAGER })
      .then(() =>
        log(
          'demo workload payments/payments-api applied in tenant payments-prod (Kubernetes tab of component payments-api)',
        ),
      )
      .catch(error =>
        log(`demo workload not applied: ${(error as Error).message}`),
      );
    log(
      `demo tenants: ${demo
        .map(t => `${t.namespace}/${t.name} (${isReal(t) ? 'real' : t.phase})`)
        .join(', ')}`,
    );
    process.stdout.write(`${hub.kubeconfigPath}\n`);
    log(`try: kubectl --kubeconfig ${hub.kubeconfigPath} get crds`);
    // The health check also keeps this process alive until it is told to stop.
    const healthCheck = setInterval(() => {
      getRaw(hub.kubeConfig(), '/readyz')
        .then(
          ({ status }) =>
            status !== 200 && log(`hub /readyz answers ${status}`),
        )
        .catch(error => log(`hub does not answer: ${error.message}`));
    }, 15_000);
    // The handlers stay: a later signal (start.sh sends SIGTERM after the terminal's SIGINT, and
    // so may a user) must not kill this process before the hub and its tenants are stopped, or
    // their processes stay behind.
    await new Promise<void>(resolve => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) log(`${signal}: already stopping`);
        stopping = true;
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    clearInterval(healthCheck);
    log('stopping');
    await operator.stop();
    await logStore.stop();
    await monitoring.stop();
    await hub.stop();
  } else if (command === 'seed') {
    const hub = await LocalHub.open({ name, log });
    const count = Number(option(argv, '--count') ?? 10_000);
    const plans = planTenants({
      count,
      seed: Number(option(argv, '--seed') ?? 1),
    });
    log(`seeding ${count} status-only tenants into hub ${name}`);
    await seedTenants(hub.kubeConfig(), plans, {
      fieldManager: LOCAL_HUB_FIELD_MANAGER,
      log,
    });
  } else if (command === 'delete') {
    for (const tenant of await TenantProcesses.all(undefined, log)) {
      await tenant.delete();
    }
    await (await LocalHub.open({ name, log })).delete();
  } else {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch(error => {
  process.stderr.write(`[local-hub] ${error.message}\n`);
  process.exit(1);
});
