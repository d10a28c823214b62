import { LocalHub } from '@hostplane/local-hub';
import { E2E_HUB } from './hub';

export default async function globalSetup() {
  await LocalHub.start({
    ...E2E_HUB,
    fresh: true,
    log: message => process.stderr.write(`[e2e hub] ${message}\n`),
  });
}
