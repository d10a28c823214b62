import fs from 'node:fs';
import { LocalHub } from '@hostplane/local-hub';
import { E2E_HUB } from './hub';

export default async function globalTeardown() {
  const hub = await LocalHub.open(E2E_HUB);
  if (hub.exists()) {
    await hub.delete();
  }
  fs.rmSync(E2E_HUB.workdir, { recursive: true, force: true });
}
