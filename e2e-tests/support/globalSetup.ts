import { LocalHub } from '@hostplane/local-hub';
import { e2eHub } from './hub';

export default async function globalSetup() {
  await LocalHub.start({
    ...e2eHub(),
    fresh: true,
    log: message => process.stderr.write(`[e2e hub] ${message}\n`),
  });
}
