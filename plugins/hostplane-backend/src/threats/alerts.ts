import type {
  AlertEvent,
  AlertStatus,
  ThreatAlert,
} from '@hostplane/plugin-hostplane-common';
import { createHash } from 'node:crypto';

/**
 * Alert deduplication and lifecycle, as pure functions over `ThreatAlert`s.
 *
 * The same rule on the same subject within the window is one alert with a count and a
 * timeline. An alert moves open → acknowledged → mitigated → resolved, or to false positive;
 * a resolved or false-positive alert is not extended: the next occurrence opens a new one.
 */

export const TIMELINE_LIMIT = 50;

/** The statuses in which a new occurrence is counted on the alert rather than a new one. */
const ACTIVE: readonly AlertStatus[] = ['open', 'acknowledged', 'mitigated'];

const TRANSITIONS: Record<AlertStatus, readonly AlertStatus[]> = {
  open: ['acknowledged', 'mitigated', 'resolved', 'falsePositive'],
  acknowledged: ['open', 'mitigated', 'resolved', 'falsePositive'],
  // A reversed mitigation leaves the alert acknowledged.
  mitigated: ['acknowledged', 'resolved', 'falsePositive'],
  resolved: ['open'],
  falsePositive: ['open'],
};

export function isActive(alert: Pick<ThreatAlert, 'status'>) {
  return ACTIVE.includes(alert.status);
}

/** What alerts are deduplicated on: the cluster, the rule and the subject. */
export function dedupKey(
  alert: Pick<ThreatAlert, 'hub' | 'cluster' | 'ruleId' | 'subject'>,
): string {
  const s = alert.subject;
  return [
    alert.hub,
    alert.cluster,
    alert.ruleId,
    s.kind,
    s.kind === 'user' ? s.user : '',
    s.resource ?? '',
    s.namespace ?? '',
    s.name ?? '',
  ].join('|');
}

/** A stable id from the alert's key and first event, so a replay finds the same alert. */
export function alertId(key: string, firstAuditID: string): string {
  return createHash('sha256')
    .update(`${key}\n${firstAuditID}`)
    .digest('hex')
    .slice(0, 24);
}

/** Whether an occurrence at `at` belongs to `alert` (rather than opening a new one). */
export function belongsTo(alert: ThreatAlert, at: number, windowMs: number) {
  return isActive(alert) && at - Date.parse(alert.lastSeen) <= windowMs;
}

/** The alert with one more occurrence; the same alert when the event is on it already. */
export function withOccurrence(
  alert: ThreatAlert,
  event: AlertEvent,
  update: Pick<
    ThreatAlert,
    'likelihood' | 'level' | 'likelihoodTerms' | 'anomalies'
  >,
): ThreatAlert {
  if (alert.timeline.some(e => e.auditID === event.auditID)) return alert;
  const recurred = alert.status === 'mitigated';
  const timeline = [...alert.timeline, event].slice(-TIMELINE_LIMIT);
  return {
    ...alert,
    // The likelihood is the highest any occurrence reached: an alert does not calm down by
    // repeating.
    ...(update.likelihood >= alert.likelihood ? update : {}),
    anomalies: mergeAnomalies(alert.anomalies, update.anomalies),
    count: alert.count + 1,
    lastSeen: event.at > alert.lastSeen ? event.at : alert.lastSeen,
    timeline,
    ...(recurred
      ? {
          status: 'open' as const,
          history: [
            ...alert.history,
            {
              at: event.at,
              status: 'open' as const,
              by: 'hostplane',
              note: 'recurred after mitigation',
            },
          ],
        }
      : {}),
  };
}

function mergeAnomalies(
  before: ThreatAlert['anomalies'],
  now: ThreatAlert['anomalies'],
) {
  const byKind = new Map(before.map(a => [a.kind, a]));
  for (const a of now) {
    const old = byKind.get(a.kind);
    if (!old || a.score >= old.score) byKind.set(a.kind, a);
  }
  return [...byKind.values()];
}

export class AlertTransitionError extends Error {
  constructor(from: AlertStatus, to: AlertStatus) {
    super(`An alert that is ${from} cannot become ${to}`);
    this.name = 'AlertTransitionError';
  }
}

/** The alert in its new status, recorded with who and why; refuses a move the lifecycle lacks. */
export function transition(
  alert: ThreatAlert,
  to: AlertStatus,
  by: string,
  at: Date,
  note?: string,
): ThreatAlert {
  if (!TRANSITIONS[alert.status].includes(to)) {
    throw new AlertTransitionError(alert.status, to);
  }
  return {
    ...alert,
    status: to,
    history: [
      ...alert.history,
      { at: at.toISOString(), status: to, by, ...(note ? { note } : {}) },
    ],
  };
}
