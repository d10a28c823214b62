import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** The repository's root, where app-config.yaml and templates/ are. */
export const REPO = path.resolve(__dirname, '../../../..');
export const TEMPLATE_PATH = path.join(
  REPO,
  'templates/new-cluster/template.yaml',
);

/** templates/new-cluster/template.yaml, read afresh. */
export function loadNewClusterTemplate(): any {
  return parse(fs.readFileSync(TEMPLATE_PATH, 'utf8'));
}

// Made with ssh-keygen for the tests; public, but handled as the secret it travels as.
export const SSH_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKlVgEvB4dH6v2OdomeHrNSbbX+KG7Nu5ClbsOmKKlUH alice@laptop';

/** The values of a filled-in form, as the form leaves them (the Secret field leaves asterisks). */
export const typicalValues = {
  owner: 'group:default/team-a',
  hub: 'local',
  name: 'shop',
  version: 'v1.37.2',
  availability: 'HighlyAvailable',
  nodePools: [
    { name: 'workers', size: 'medium', scaling: 'fixed', replicas: 3 },
    {
      name: 'batch',
      size: 'custom',
      vcpu: 16,
      memoryGiB: 64,
      diskGiB: 200,
      scaling: 'autoscaled',
      minReplicas: 1,
      maxReplicas: 5,
      // Left behind when the user switched from a fixed size to autoscaling.
      replicas: 2,
    },
  ],
  backupSchedule: '0 */4 * * *',
  backupRetention: 14,
  deletionProtection: true,
  labels: { lifecycle: 'production', system: 'payments', team: 'payments' },
  sshPublicKey: '*'.repeat(SSH_KEY.length),
};
