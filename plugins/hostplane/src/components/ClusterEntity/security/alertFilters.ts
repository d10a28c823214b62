import {
  ALERT_STATUSES,
  AlertStatus,
  LIKELIHOOD_LEVELS,
  LikelihoodLevel,
  ThreatAlert,
} from '@hostplane/plugin-hostplane-common';
import { subjectText } from './threatPresentation';

/** `active`: the alerts still to be seen to (open, acknowledged, mitigated); `any`: all. */
export type StatusFilter = AlertStatus | 'active' | 'any';

export interface AlertFilters {
  status: StatusFilter;
  level?: LikelihoodLevel;
  /** Matched against the rule's id and title, the subject and the cluster. */
  text: string;
}

export const DEFAULT_FILTERS: AlertFilters = { status: 'active', text: '' };

/** The statuses to ask the server for; every status when undefined. */
export function statusesOf(filter: StatusFilter): AlertStatus[] | undefined {
  if (filter === 'any') return undefined;
  if (filter === 'active') return ['open', 'acknowledged', 'mitigated'];
  return [filter];
}

/** Whether an alert the server sent passes the filters it does not apply (level, text). */
export function matchesFilters(
  alert: ThreatAlert,
  filters: AlertFilters,
): boolean {
  if (filters.level && alert.level !== filters.level) return false;
  const text = filters.text.trim().toLowerCase();
  if (!text) return true;
  return [alert.ruleId, alert.title, subjectText(alert.subject), alert.cluster]
    .join('\n')
    .toLowerCase()
    .includes(text);
}

/** Filters from the address (`?status=&level=&q=`), for shared and deep links. */
export function filtersFromSearch(params: URLSearchParams): AlertFilters {
  const status = params.get('status');
  const level = params.get('level');
  return {
    status:
      status === 'any' || ALERT_STATUSES.includes(status as AlertStatus)
        ? (status as StatusFilter)
        : DEFAULT_FILTERS.status,
    ...(LIKELIHOOD_LEVELS.includes(level as LikelihoodLevel)
      ? { level: level as LikelihoodLevel }
      : {}),
    text: params.get('q') ?? '',
  };
}

/** The address's parameters with the filters in them (defaults left out). */
export function withFilters(
  params: URLSearchParams,
  filters: AlertFilters,
): URLSearchParams {
  const next = new URLSearchParams(params);
  const set = (name: string, value: string | undefined) =>
    value ? next.set(name, value) : next.delete(name);
  set(
    'status',
    filters.status === DEFAULT_FILTERS.status ? undefined : filters.status,
  );
  set('level', filters.level);
  set('q', filters.text.trim() || undefined);
  return next;
}
