import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import {
  AlertStatus,
  LikelihoodLevel,
  ThreatAlert,
  ThreatPriority,
  ThreatSubject,
} from '@hostplane/plugin-hostplane-common';
import Chip from '@material-ui/core/Chip';

export const ALERT_STATUS_LABELS: Record<AlertStatus, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  mitigated: 'Mitigated',
  resolved: 'Resolved',
  falsePositive: 'False positive',
};

/** A likelihood between 0 and 1 as the percentage the report and the tables show. */
export function formatScore(likelihood: number): string {
  return `${Math.round(likelihood * 100)} %`;
}

/** What an alert is about, in one line: `pod shop/web-1 (by alice)`. */
export function subjectText(subject: ThreatSubject): string {
  if (subject.kind === 'user') return `user ${subject.user}`;
  const object = [subject.namespace, subject.name].filter(Boolean).join('/');
  const what =
    subject.kind === 'object' ? subject.resource ?? 'object' : subject.kind;
  return `${what} ${object || '—'} (by ${subject.user})`;
}

/** How likely the alert is an attack: its level, coloured, with the score. */
export function LikelihoodChip({
  alert,
}: {
  alert: Pick<ThreatAlert, 'level' | 'likelihood'>;
}) {
  const strong = alert.level === 'critical' || alert.level === 'high';
  return (
    <Chip
      size="small"
      color={strong ? 'secondary' : 'default'}
      variant={alert.level === 'low' ? 'outlined' : 'default'}
      label={`${alert.level} · ${formatScore(alert.likelihood)}`}
    />
  );
}

/** A rule's priority in Backstage's status colours. */
export function PriorityStatus({ priority }: { priority: ThreatPriority }) {
  switch (priority) {
    case 'critical':
    case 'high':
      return <StatusError>{priority}</StatusError>;
    case 'medium':
      return <StatusWarning>{priority}</StatusWarning>;
    default:
      return <StatusPending>{priority}</StatusPending>;
  }
}

/** Where an alert is in its lifecycle, in Backstage's status colours. */
export function AlertStatusText({ status }: { status: AlertStatus }) {
  const label = ALERT_STATUS_LABELS[status];
  switch (status) {
    case 'open':
      return <StatusError>{label}</StatusError>;
    case 'acknowledged':
      return <StatusWarning>{label}</StatusWarning>;
    case 'mitigated':
    case 'resolved':
      return <StatusOK>{label}</StatusOK>;
    default:
      return <StatusAborted>{label}</StatusAborted>;
  }
}

/** The levels, highest first, for filters and counts. */
export const LEVELS_HIGHEST_FIRST: LikelihoodLevel[] = [
  'critical',
  'high',
  'medium',
  'low',
];
