import type {
  AlertEvent,
  K8sAuditEvent,
  ThreatAlert,
  ThreatSubject,
} from '@hostplane/plugin-hostplane-common';
import { alertId, belongsTo, dedupKey, withOccurrence } from './alerts';
import {
  BaselineJson,
  BaselineSettings,
  ClusterBaseline,
  DEFAULT_BASELINE_SETTINGS,
} from './baseline';
import { AuditFacts, auditFacts } from './facts';
import { likelihoodOf } from './likelihood';
import type { CompiledRule, RuleSet } from './rules';

/**
 * The detection pipeline for one backend: audit events in, alerts out. For each event of a
 * cluster: its facts, its anomaly signals against the cluster's baseline, every rule, and for
 * each match the alert it extends or opens, with its likelihood. Pure apart from its state,
 * which `snapshot` gives as JSON to persist and the constructor takes back.
 */

export interface DetectorSettings {
  baseline: BaselineSettings;
  /** Occurrences of the same rule on the same subject closer than this are one alert. */
  dedupWindowMs: number;
  trustedRegistries: string[];
}

export const DEFAULT_DETECTOR_SETTINGS: DetectorSettings = {
  baseline: DEFAULT_BASELINE_SETTINGS,
  dedupWindowMs: 15 * 60_000,
  trustedRegistries: ['registry.k8s.io', 'docker.io/library'],
};

export interface ClusterThreatState {
  baseline: BaselineJson;
  /** Identities seen bound to cluster-admin, as `Kind:name`. */
  clusterAdmins: string[];
}

export interface ClusterRef {
  hub: string;
  name: string;
}

/** The alerts an event opened or changed. */
export interface Detection {
  opened: ThreatAlert[];
  updated: ThreatAlert[];
}

/** Stages a rule looks at: long-running requests (exec, attach, port-forward) at their start. */
const DETECTED_STAGES = new Set([
  'ResponseStarted',
  'ResponseComplete',
  'Panic',
]);

function subjectOf(rule: CompiledRule, facts: AuditFacts): ThreatSubject {
  const user = facts.user || 'system:anonymous';
  switch (rule.subject) {
    case 'user':
      return { kind: 'user', user };
    case 'pod':
      return {
        kind: 'pod',
        user,
        resource: 'pods',
        namespace: facts.namespace,
        name: facts.name,
      };
    default:
      return {
        kind: rule.subject,
        user,
        resource: facts.resource,
        ...(facts.namespace ? { namespace: facts.namespace } : {}),
        name: facts.name,
      };
  }
}

function alertEventOf(
  event: K8sAuditEvent,
  facts: AuditFacts,
  at: string,
): AlertEvent {
  return {
    auditID: event.auditID,
    at,
    verb: facts.verb,
    user: facts.user || 'system:anonymous',
    requestURI: facts.uri.slice(0, 2048),
    ...(facts.code ? { code: facts.code } : {}),
    ...(facts.sourceIP ? { sourceIP: facts.sourceIP } : {}),
    ...(facts.userAgent ? { userAgent: facts.userAgent.slice(0, 256) } : {}),
  };
}

export class ThreatDetector {
  private readonly baselines = new Map<string, ClusterBaseline>();
  private readonly clusterAdmins = new Map<string, Set<string>>();
  /** Active alerts by dedup key. */
  private readonly active = new Map<string, ThreatAlert>();
  /** Long-running requests already detected at ResponseStarted, so ResponseComplete is not. */
  private readonly started = new Set<string>();

  constructor(
    private rules: RuleSet,
    private readonly settings: DetectorSettings = DEFAULT_DETECTOR_SETTINGS,
    restored?: {
      clusters?: Record<string, ClusterThreatState>;
      activeAlerts?: ThreatAlert[];
    },
  ) {
    for (const [key, state] of Object.entries(restored?.clusters ?? {})) {
      this.baselines.set(
        key,
        ClusterBaseline.fromJSON(settings.baseline, state.baseline),
      );
      this.clusterAdmins.set(key, new Set(state.clusterAdmins));
    }
    for (const alert of restored?.activeAlerts ?? []) {
      this.active.set(dedupKey(alert), alert);
    }
  }

  /** Takes another rule set (a hub's overrides changed, an exception was added). */
  useRules(rules: RuleSet) {
    this.rules = rules;
  }

  get ruleSet() {
    return this.rules;
  }

  /** The per-cluster state to persist. */
  snapshot(cluster: ClusterRef): ClusterThreatState | undefined {
    const key = `${cluster.hub}/${cluster.name}`;
    const baseline = this.baselines.get(key);
    if (!baseline) return undefined;
    return {
      baseline: baseline.toJSON(),
      clusterAdmins: [...(this.clusterAdmins.get(key) ?? [])],
    };
  }

  /** Replaces an alert the detector tracks (after a status change made elsewhere). */
  track(alert: ThreatAlert) {
    this.active.set(dedupKey(alert), alert);
  }

  process(cluster: ClusterRef, event: K8sAuditEvent): Detection {
    const detection: Detection = { opened: [], updated: [] };
    if (!DETECTED_STAGES.has(event.stage)) return detection;
    if (event.stage === 'ResponseStarted') {
      this.started.add(event.auditID);
      if (this.started.size > 10_000) {
        this.started.delete(this.started.values().next().value!);
      }
    } else if (this.started.delete(event.auditID)) {
      return detection;
    }

    const key = `${cluster.hub}/${cluster.name}`;
    const timestamp =
      event.stageTimestamp ?? event.requestReceivedTimestamp ?? '';
    const parsedAt = Date.parse(timestamp);
    const at = Number.isNaN(parsedAt) ? Date.now() : parsedAt;
    const atIso = new Date(at).toISOString();

    let baseline = this.baselines.get(key);
    if (!baseline) {
      baseline = new ClusterBaseline(this.settings.baseline, at);
      this.baselines.set(key, baseline);
    }
    const facts = auditFacts(event);
    const { signals, findings } = baseline.observe(facts, at);
    const admins = this.clusterAdmins.get(key) ?? new Set<string>();
    this.clusterAdmins.set(key, admins);

    for (const rule of this.rules.rules) {
      if (!rule.matches({ ev: facts, anomaly: signals, cluster: key }))
        continue;
      const subject = subjectOf(rule, facts);
      const identity = {
        hub: cluster.hub,
        cluster: cluster.name,
        ruleId: rule.id,
        subject,
      };
      const dkey = dedupKey(identity);
      const existing = this.active.get(dkey);
      const belongs =
        existing && belongsTo(existing, at, this.settings.dedupWindowMs);
      const scored = likelihoodOf(rule.priority, facts, signals, {
        trustedRegistries: this.settings.trustedRegistries,
        clusterAdmins: admins,
        occurrences: belongs ? existing.count + 1 : 1,
      });
      const update = {
        likelihood: scored.likelihood,
        level: scored.level,
        likelihoodTerms: scored.terms,
        anomalies: findings,
      };
      const alertEvent = alertEventOf(event, facts, atIso);
      if (belongs) {
        const next = withOccurrence(existing, alertEvent, update);
        if (next !== existing) {
          this.active.set(dkey, next);
          detection.updated.push(next);
        }
        continue;
      }
      const alert: ThreatAlert = {
        id: alertId(dkey, event.auditID),
        ...identity,
        title: rule.title,
        priority: rule.priority,
        mitre: rule.mitre,
        description: rule.description,
        remediation: rule.remediation,
        status: 'open',
        ...update,
        count: 1,
        firstSeen: atIso,
        lastSeen: atIso,
        timeline: [alertEvent],
        history: [{ at: atIso, status: 'open', by: 'hostplane' }],
      };
      this.active.set(dkey, alert);
      detection.opened.push(alert);
    }

    // Learnt after the rules ran: a binding's own event is judged without the power it grants.
    if (
      facts.succeeded &&
      facts.binding.present &&
      facts.binding.roleName === 'cluster-admin'
    ) {
      for (const subject of facts.binding.subjects) admins.add(subject);
    }
    return detection;
  }
}
