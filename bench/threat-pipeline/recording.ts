/**
 * The recorded audit batches of a real tenant, and their replay as other clusters' batches: the
 * same events with new audit ids and the time they are sent.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {
  K8sAuditEvent,
  k8sAuditEventListSchema,
} from '@hostplane/plugin-hostplane-common';

/** The committed recording: one `audit.k8s.io/v1` EventList a line, gzipped. */
export const RECORDING_FILE = path.join(__dirname, 'recorded-audit.jsonl.gz');

/** The kube-apiserver's webhook batch limits as the stand-in sets them: 1 s, 400 events. */
const BATCH_MAX_WAIT_MS = 1_000;
const BATCH_MAX_SIZE = 400;

export type AuditBatch = K8sAuditEvent[];

export function readRecording(file = RECORDING_FILE): AuditBatch[] {
  if (!fs.existsSync(file)) {
    throw new Error(
      `no recording at ${file}: record one with \`yarn bench:threat-pipeline --record\``,
    );
  }
  return zlib
    .gunzipSync(fs.readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter(line => line.trim())
    .map(line => k8sAuditEventListSchema.parse(JSON.parse(line)).items);
}

export function writeRecording(batches: AuditBatch[], file = RECORDING_FILE) {
  const lines = batches.map(items =>
    JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items }),
  );
  fs.writeFileSync(file, zlib.gzipSync(`${lines.join('\n')}\n`, { level: 9 }));
}

/**
 * An audit log's events as the API server's batching webhook backend sends them: a batch holds
 * what arrived within a second of its first event, at most 400.
 */
export function batchesOf(events: K8sAuditEvent[]): AuditBatch[] {
  const batches: AuditBatch[] = [];
  let current: AuditBatch = [];
  let opened = 0;
  for (const event of events) {
    const at = Date.parse(event.stageTimestamp ?? '') || 0;
    if (
      current.length > 0 &&
      (at - opened >= BATCH_MAX_WAIT_MS || current.length >= BATCH_MAX_SIZE)
    ) {
      batches.push(current);
      current = [];
    }
    if (current.length === 0) opened = at;
    current.push(event);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./;
const PRIVATE_KEY = /PRIVATE KEY-----/;

/**
 * What in a recording looks like a credential: a JSON web token, a private key, or a `token`
 * field holding a value. The tenant's audit policy logs secrets and token requests at metadata
 * only, so there should be none; the recording is refused if there is.
 */
export function credentialsIn(batches: AuditBatch[]): string[] {
  const found: string[] = [];
  batches.flat().forEach(event => {
    const text = JSON.stringify(event);
    if (JWT.test(text)) found.push(`${event.auditID}: a JSON web token`);
    if (PRIVATE_KEY.test(text)) found.push(`${event.auditID}: a private key`);
    if (/"token":"[^"]+"/.test(text)) {
      found.push(`${event.auditID}: a token field with a value`);
    }
  });
  return found;
}

/**
 * A recorded batch as another cluster's: each event under a new audit id (the same for the
 * stages of one request, as the API server gives them) and stamped with the time it is sent.
 */
export function replayBatch(
  batch: AuditBatch,
  copy: string,
  at: string,
): AuditBatch {
  return batch.map(event => ({
    ...event,
    auditID: `${event.auditID}-${copy}`,
    requestReceivedTimestamp: at,
    stageTimestamp: at,
  }));
}

/**
 * An exec into a pod of its own, made from a recorded exec: it opens a new alert of its own, the
 * marker whose delay until it is visible through the API is timed.
 */
export function probeEvent(
  template: K8sAuditEvent,
  pod: string,
  auditID: string,
  at: string,
): K8sAuditEvent {
  const name = template.objectRef?.name ?? '';
  return {
    ...template,
    auditID,
    requestURI: template.requestURI.replace(`/pods/${name}/`, `/pods/${pod}/`),
    objectRef: { ...template.objectRef, name: pod },
    requestReceivedTimestamp: at,
    stageTimestamp: at,
  };
}

/** The recording's exec into a pod, the template of the probes. */
export function recordedExec(batches: AuditBatch[]): K8sAuditEvent {
  const execs = batches
    .flat()
    .filter(
      event =>
        event.objectRef?.subresource === 'exec' &&
        event.responseStatus?.code !== 401 &&
        event.responseStatus?.code !== 403,
    );
  const exec =
    execs.find(event => event.stage === 'ResponseComplete') ?? execs[0];
  if (!exec) {
    throw new Error(
      'the recording has no exec into a pod: record it again with --record',
    );
  }
  return exec;
}
