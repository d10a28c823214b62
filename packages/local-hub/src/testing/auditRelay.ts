import fs from 'node:fs';
import type { TenantProcesses } from '../TenantProcesses';

const MAX_BATCH_EVENTS = 1000;

/**
 * Posts a real tenant's new audit events to its audit webhook, with the webhook kubeconfig the
 * stand-in operator gave its API server, as the API server's batch mode would. The API server
 * has the webhook configured, but on this machine its batches do not reach the backend; these
 * are the same events, read from the same API server's audit log. The backend counts an event
 * once whichever way it comes. Returns the function that stops relaying.
 */
export function relayAuditEvents(tenant: TenantProcesses): () => void {
  const flag = tenant
    .componentCommand('kube-apiserver')
    .args.find(arg => arg.startsWith('--audit-webhook-config-file='));
  if (!flag) {
    throw new Error(`${tenant.name}'s API server has no audit webhook`);
  }
  const webhook = JSON.parse(fs.readFileSync(flag.split('=')[1], 'utf8'));
  const server: string = webhook.clusters[0].cluster.server;
  const token: string = webhook.users[0].user.token;
  let offset = 0;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy || !fs.existsSync(tenant.auditLogPath)) return;
    busy = true;
    try {
      const text = fs
        .readFileSync(tenant.auditLogPath)
        .subarray(offset)
        .toString('utf8');
      // Whole lines only, and a batch well under the receiver's size limit.
      const lines = text.split('\n').slice(0, -1).slice(0, MAX_BATCH_EVENTS);
      if (lines.length === 0) return;
      const sent = lines.join('\n').concat('\n');
      const items = lines.map(line => JSON.parse(line));
      const response = await fetch(server, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          kind: 'EventList',
          apiVersion: 'audit.k8s.io/v1',
          items,
        }),
      });
      if (response.ok) offset += Buffer.byteLength(sent);
    } catch {
      // The backend may be busy or going away; the next tick sends the same events again.
    } finally {
      busy = false;
    }
  }, 500);
  return () => clearInterval(timer);
}
