import fs from 'node:fs';
import { LocalHub } from '@hostplane/local-hub';
import { STANDIN } from './globalSetup';
import { e2eHub } from './hub';

export default async function globalTeardown() {
  await STANDIN.operator?.stop();
  const hub = await LocalHub.open(e2eHub());
  if (hub.exists()) {
    await hub.delete();
  }
  fs.rmSync(e2eHub().workdir, { recursive: true, force: true });
}
