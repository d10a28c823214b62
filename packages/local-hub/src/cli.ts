import { getRaw } from '@hostplane/plugin-hostplane-node';
import { LocalHub } from './LocalHub';
import { DEMO_TIMINGS, FAST_TIMINGS } from './stages';

const USAGE = `Usage: yarn hub [start|delete] [--name NAME] [--fast]

  start   start the local hub (created on first use, restarted after) and print its kubeconfig path;
          it runs until Ctrl-C, which stops its processes and keeps its state
  delete  stop the hub and remove its state
  --fast  near-zero simulated delays (the tests' setting) instead of the demo's realistic ones`;

async function main(argv: string[]) {
  const command = argv.find(a => !a.startsWith('--')) ?? 'start';
  const nameIndex = argv.indexOf('--name');
  const name = nameIndex >= 0 ? argv[nameIndex + 1] : 'hub';
  const log = (message: string) => process.stderr.write(`[local-hub] ${message}\n`);
  if (command === 'start') {
    const hub = await LocalHub.start({
      name,
      timings: argv.includes('--fast') ? FAST_TIMINGS : DEMO_TIMINGS,
      log,
    });
    process.stdout.write(`${hub.kubeconfigPath}\n`);
    log(`try: kubectl --kubeconfig ${hub.kubeconfigPath} get crds`);
    // The health check also keeps this process alive until it is told to stop.
    const healthCheck = setInterval(() => {
      getRaw(hub.kubeConfig(), '/readyz')
        .then(({ status }) => status !== 200 && log(`hub /readyz answers ${status}`))
        .catch(error => log(`hub does not answer: ${error.message}`));
    }, 15_000);
    await new Promise<void>(resolve => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    clearInterval(healthCheck);
    log('stopping');
    await hub.stop();
  } else if (command === 'delete') {
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
