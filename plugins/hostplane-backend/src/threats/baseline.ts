import type { AnomalyFinding } from '@hostplane/plugin-hostplane-common';
import type { AuditFacts } from './facts';

/**
 * Per-cluster baselines of who does what, and what is unusual against them. Three views:
 * - actions: identity x verb x resource, with how often and since when, so a first-ever action
 *   (say a user's first `list secrets`) stands out once the cluster has been learnt;
 * - request rates per identity: an EWMA of requests per minute against the last minute;
 * - refusals per identity: an EWMA of 401/403 per minute against the last minute (a burst of
 *   unauthorized attempts).
 * Everything is plain data, persisted as JSON with `toJSON` / `ClusterBaseline.fromJSON`.
 */

/** What a rule condition sees of the anomaly analysis, as `anomaly`. */
export interface AnomalySignals {
  /** 0 (nothing unusual) to 1. */
  score: number;
  /** The cluster is still inside its learning window: nothing is first-ever yet. */
  learning: boolean;
  firstAction: boolean;
  deniedBurst: boolean;
  /** Refusals of this identity in the last minute. */
  deniedLastMinute: number;
  rateSpike: boolean;
  requestsLastMinute: number;
}

export const EMPTY_ANOMALY: AnomalySignals = {
  score: 0,
  learning: false,
  firstAction: false,
  deniedBurst: false,
  deniedLastMinute: 0,
  rateSpike: false,
  requestsLastMinute: 0,
};

export interface BaselineSettings {
  /** How long a new cluster's baseline learns before anything counts as first-ever. */
  learningMs: number;
  /** EWMA smoothing per minute (0..1): higher forgets faster. */
  alpha: number;
  /** Refusals in a minute below which there is never a burst. */
  minDeniedBurst: number;
  /** Requests in a minute below which there is never a spike. */
  minRateSpike: number;
  /** How many times its EWMA a minute must be to be a burst or spike. */
  spikeFactor: number;
  /** Actions kept per cluster; the least recently seen go first. */
  maxActions: number;
  /** Identities whose rates are kept per cluster. */
  maxIdentities: number;
}

export const DEFAULT_BASELINE_SETTINGS: BaselineSettings = {
  learningMs: 24 * 3600_000,
  alpha: 0.1,
  minDeniedBurst: 10,
  minRateSpike: 300,
  spikeFactor: 5,
  maxActions: 50_000,
  maxIdentities: 5_000,
};

const BUCKET_MS = 10_000;
const BUCKETS = 6;
const MINUTE_MS = 60_000;

interface ActionStats {
  count: number;
  firstSeen: number;
  lastSeen: number;
}

interface IdentityRates {
  /** Counts of the last minute in 10-second buckets: [bucket start, requests, refusals]. */
  buckets: [number, number, number][];
  /** The minute (epoch minutes) the EWMAs include up to, exclusive. */
  ewmaMinute: number;
  minuteRequests: number;
  minuteDenied: number;
  ewmaRequests: number;
  ewmaDenied: number;
}

export interface BaselineJson {
  startedAt: number;
  actions: [string, ActionStats][];
  identities: [string, IdentityRates][];
}

function actionKey(facts: AuditFacts): string {
  const resource = facts.subresource
    ? `${facts.resource}/${facts.subresource}`
    : facts.resource || facts.uri.split('?')[0];
  return `${facts.user}|${facts.verb}|${resource}`;
}

export class ClusterBaseline {
  private readonly actions: Map<string, ActionStats>;
  private readonly identities: Map<string, IdentityRates>;

  constructor(
    private readonly settings: BaselineSettings,
    readonly startedAt: number,
    json?: BaselineJson,
  ) {
    this.actions = new Map(json?.actions ?? []);
    this.identities = new Map(json?.identities ?? []);
  }

  static fromJSON(settings: BaselineSettings, json: BaselineJson) {
    return new ClusterBaseline(settings, json.startedAt, json);
  }

  toJSON(): BaselineJson {
    return {
      startedAt: this.startedAt,
      actions: [...this.actions],
      identities: [...this.identities],
    };
  }

  get actionCount() {
    return this.actions.size;
  }

  /**
   * Scores one event against the baseline, then learns it. The event's own time is the clock,
   * so a replay after a restart scores as the first pass did.
   */
  observe(
    facts: AuditFacts,
    at: number,
  ): { signals: AnomalySignals; findings: AnomalyFinding[] } {
    const findings: AnomalyFinding[] = [];
    const learning = at - this.startedAt < this.settings.learningMs;
    const learnt = `${formatDuration(
      Math.max(0, at - this.startedAt),
    )} of this cluster's audit events`;

    const key = actionKey(facts);
    const stats = this.actions.get(key);
    // Anonymous requests have no identity worth learning: every one is its own finding.
    const firstAction =
      !learning && !stats && !facts.anonymous && facts.user !== '';
    if (firstAction) {
      findings.push({
        kind: 'firstAction',
        score: 0.6,
        detail: `first time '${facts.user}' does ${facts.verb} on ${
          key.split('|')[2]
        }`,
        baseline: `${this.actions.size} identity x verb x resource combinations seen in ${learnt}`,
      });
    }
    this.learnAction(key, stats, at);

    const rates = this.ratesOf(facts.user || 'system:anonymous', at);
    this.count(rates, at, facts.denied);
    const [requestsLastMinute, deniedLastMinute] = rates.buckets.reduce(
      ([r, d], b) => [r + b[1], d + b[2]],
      [0, 0],
    );
    const deniedBurst =
      deniedLastMinute >= this.settings.minDeniedBurst &&
      deniedLastMinute > this.settings.spikeFactor * rates.ewmaDenied;
    if (deniedBurst) {
      findings.push({
        kind: 'deniedBurst',
        score: Math.min(1, 0.5 + deniedLastMinute / 200),
        detail: `${deniedLastMinute} refused requests by '${
          facts.user || 'anonymous'
        }' in the last minute`,
        baseline: `${rates.ewmaDenied.toFixed(
          1,
        )} refusals a minute on average (EWMA, ${learnt})`,
      });
    }
    const rateSpike =
      !learning &&
      requestsLastMinute >= this.settings.minRateSpike &&
      requestsLastMinute > this.settings.spikeFactor * rates.ewmaRequests;
    if (rateSpike) {
      findings.push({
        kind: 'rateSpike',
        score: Math.min(1, 0.3 + requestsLastMinute / 3000),
        detail: `${requestsLastMinute} requests by '${
          facts.user || 'anonymous'
        }' in the last minute`,
        baseline: `${rates.ewmaRequests.toFixed(
          1,
        )} requests a minute on average (EWMA, ${learnt})`,
      });
    }
    const score = findings.reduce((s, f) => Math.max(s, f.score), 0);
    return {
      signals: {
        score,
        learning,
        firstAction,
        deniedBurst,
        deniedLastMinute,
        rateSpike,
        requestsLastMinute,
      },
      findings,
    };
  }

  private learnAction(key: string, stats: ActionStats | undefined, at: number) {
    if (stats) {
      stats.count += 1;
      stats.lastSeen = Math.max(stats.lastSeen, at);
      // Re-inserting keeps the map in least-recently-seen order for eviction.
      this.actions.delete(key);
      this.actions.set(key, stats);
      return;
    }
    this.actions.set(key, { count: 1, firstSeen: at, lastSeen: at });
    if (this.actions.size > this.settings.maxActions) {
      this.actions.delete(this.actions.keys().next().value!);
    }
  }

  private ratesOf(identity: string, at: number): IdentityRates {
    let rates = this.identities.get(identity);
    if (!rates) {
      rates = {
        buckets: [],
        ewmaMinute: Math.floor(at / MINUTE_MS),
        minuteRequests: 0,
        minuteDenied: 0,
        ewmaRequests: 0,
        ewmaDenied: 0,
      };
      this.identities.set(identity, rates);
      if (this.identities.size > this.settings.maxIdentities) {
        this.identities.delete(this.identities.keys().next().value!);
      }
    }
    return rates;
  }

  private count(rates: IdentityRates, at: number, denied: boolean) {
    const minute = Math.floor(at / MINUTE_MS);
    const { alpha } = this.settings;
    // Each whole minute that has passed folds into the EWMAs (quiet minutes as zeros).
    while (rates.ewmaMinute < minute) {
      rates.ewmaRequests =
        alpha * rates.minuteRequests + (1 - alpha) * rates.ewmaRequests;
      rates.ewmaDenied =
        alpha * rates.minuteDenied + (1 - alpha) * rates.ewmaDenied;
      rates.minuteRequests = 0;
      rates.minuteDenied = 0;
      rates.ewmaMinute += 1;
      if (rates.ewmaRequests < 1e-3 && rates.ewmaDenied < 1e-3) {
        rates.ewmaMinute = minute;
      }
    }
    rates.minuteRequests += 1;
    if (denied) rates.minuteDenied += 1;

    const start = at - (at % BUCKET_MS);
    rates.buckets = rates.buckets.filter(b => b[0] > at - BUCKETS * BUCKET_MS);
    const bucket = rates.buckets.find(b => b[0] === start);
    if (bucket) {
      bucket[1] += 1;
      if (denied) bucket[2] += 1;
    } else {
      rates.buckets.push([start, 1, denied ? 1 : 0]);
    }
  }
}

function formatDuration(ms: number): string {
  if (ms < MINUTE_MS) return `${Math.round(ms / 1000)} s`;
  if (ms < 3600_000) return `${Math.round(ms / MINUTE_MS)} min`;
  if (ms < 48 * 3600_000) return `${(ms / 3600_000).toFixed(1)} h`;
  return `${Math.round(ms / 86400_000)} days`;
}
