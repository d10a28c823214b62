import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  ResponsePolicy,
  ThreatAlert,
  responseModeSchema,
} from '@hostplane/plugin-hostplane-common';
import type { AuditWebhookEndpoint } from '@hostplane/plugin-hostplane-node';
import type { Knex } from 'knex';
import type express from 'express';
import {
  DEFAULT_DETECTOR_SETTINGS,
  DetectorSettings,
  ThreatDetector,
} from './detector';
import { AUDIT_WEBHOOK_PATH, createAuditReceiver } from './receiver';
import {
  RuleException,
  RuleOverrides,
  RuleSet,
  builtinRulesDirectory,
  loadRuleSet,
} from './rules';
import { ThreatPipeline } from './ThreatPipeline';
import { ThreatStore } from './ThreatStore';
import {
  AuditWebhookCredentials,
  sharedWebhookKey,
} from './webhookCredentials';

/** `hostplane.threats` with its defaults. */
export interface ThreatSettings {
  enabled: boolean;
  detector: DetectorSettings;
  overrides: RuleOverrides;
  /** Configured webhook key; otherwise one shared through the database. */
  webhookKey?: Buffer;
  /** Likelihood from which the cluster's owner is notified of a new alert. */
  notifyFrom: number;
  /** The plugin's base URL as tenants' API servers reach it; the external one by default. */
  webhookBaseUrl?: string;
  /** The response policy of clusters that have none of their own. */
  response: ResponsePolicy;
}

export function readThreatSettings(config: RootConfigService): ThreatSettings {
  const threats = config.getOptionalConfig('hostplane.threats');
  const key = threats?.getOptionalString('webhookKey');
  if (key !== undefined && key.length < 32) {
    throw new Error(
      'hostplane.threats.webhookKey must be at least 32 characters',
    );
  }
  const learningHours = threats?.getOptionalNumber('learningHours');
  const response = threats?.getOptionalConfig('response');
  const mode = responseModeSchema.safeParse(
    response?.getOptionalString('mode') ?? 'suggest',
  );
  if (!mode.success) {
    throw new Error(
      `hostplane.threats.response.mode must be one of off, suggest, auto`,
    );
  }
  const autoThreshold = response?.getOptionalNumber('autoThreshold') ?? 0.8;
  if (autoThreshold < 0 || autoThreshold > 1) {
    throw new Error(
      'hostplane.threats.response.autoThreshold must be between 0 and 1',
    );
  }
  return {
    enabled: threats?.getOptionalBoolean('enabled') ?? true,
    detector: {
      ...DEFAULT_DETECTOR_SETTINGS,
      baseline: {
        ...DEFAULT_DETECTOR_SETTINGS.baseline,
        ...(learningHours !== undefined
          ? { learningMs: learningHours * 3600_000 }
          : {}),
      },
      trustedRegistries:
        threats?.getOptionalStringArray('trustedRegistries') ??
        DEFAULT_DETECTOR_SETTINGS.trustedRegistries,
    },
    overrides:
      (threats?.getOptional('rules') as RuleOverrides | undefined) ?? {},
    ...(key ? { webhookKey: Buffer.from(key) } : {}),
    notifyFrom: threats?.getOptionalNumber('notifyFromLikelihood') ?? 0.55,
    ...(threats?.getOptionalString('webhookBaseUrl')
      ? { webhookBaseUrl: threats.getString('webhookBaseUrl') }
      : {}),
    response: { mode: mode.data, autoThreshold },
  };
}

/**
 * Threat detection for the backend: the webhook receiver, detection over what it stored, the
 * rules with the hub's overrides and the exceptions users made, and owner notifications.
 */
export class ThreatDetection {
  readonly store: ThreatStore;
  readonly pipeline: ThreatPipeline;
  private rules: RuleSet;

  private constructor(
    private readonly settings: ThreatSettings,
    db: Knex,
    readonly credentials: AuditWebhookCredentials,
    private readonly logger: LoggerService,
    private readonly exceptions: RuleException[],
  ) {
    this.store = new ThreatStore(db);
    this.rules = this.loadRules();
    this.pipeline = new ThreatPipeline(
      this.store,
      restored => new ThreatDetector(this.rules, settings.detector, restored),
      logger,
    );
  }

  /** Loads the rules (a bad one stops the start, naming its file and line) and the exceptions. */
  static async create(options: {
    settings: ThreatSettings;
    db: Knex;
    logger: LoggerService;
  }): Promise<ThreatDetection> {
    const { settings, db, logger } = options;
    const key = settings.webhookKey ?? (await sharedWebhookKey(db));
    const exceptions = await new ThreatStore(db).listExceptions();
    const detection = new ThreatDetection(
      settings,
      db,
      new AuditWebhookCredentials(key),
      logger,
      exceptions,
    );
    return detection;
  }

  /** Notifies a cluster's owner of each new alert from `notifyFromLikelihood` on. */
  notifyOwners(
    notifications: NotificationService,
    /** The owner entity of a cluster, if it is known. */
    ownerOf: (hub: string, cluster: string) => string | undefined,
  ) {
    const { notifyFrom } = this.settings;
    this.pipeline.onAlert(async (alert, change) => {
      if (change !== 'opened' || alert.likelihood < notifyFrom) return;
      const owner = ownerOf(alert.hub, alert.cluster);
      if (!owner) return;
      const subject =
        [alert.subject.namespace, alert.subject.name]
          .filter(Boolean)
          .join('/') || alert.subject.user;
      await notifications.send({
        recipients: { type: 'entity', entityRef: owner },
        payload: {
          title: `${alert.level} threat on ${alert.cluster}: ${alert.title}`,
          description: `${alert.subject.kind} ${subject}, likelihood ${alert.likelihood}`,
          severity: alert.level === 'critical' ? 'critical' : 'high',
          topic: 'hostplane.threats',
          scope: `hostplane-threat-${alert.id}`,
        },
      });
    });
  }

  private loadRules(): RuleSet {
    return loadRuleSet({
      directory: builtinRulesDirectory,
      overrides: {
        ...this.settings.overrides,
        exceptions: [
          ...(this.settings.overrides.exceptions ?? []),
          ...this.exceptions,
        ],
      },
    });
  }

  get ruleSet(): RuleSet {
    return this.rules;
  }

  receiver(): express.Router {
    return createAuditReceiver({
      credentials: this.credentials,
      store: (cluster, events) => this.store.insertEvents(cluster, events),
      backlog: () => this.pipeline.backlog(),
      wake: stored => this.pipeline.received(stored),
      logger: this.logger,
    });
  }

  /** Where a cluster posts its audit events, with its own token. */
  webhookEndpoint(
    baseUrl: string,
    cluster: { hub: string; name: string },
  ): AuditWebhookEndpoint {
    return {
      url: `${baseUrl.replace(
        /\/$/,
        '',
      )}${AUDIT_WEBHOOK_PATH}/${encodeURIComponent(
        cluster.hub,
      )}/${encodeURIComponent(cluster.name)}`,
      token: this.credentials.tokenFor({
        hub: cluster.hub,
        name: cluster.name,
      }),
    };
  }

  async start() {
    if (!this.settings.enabled) return;
    await this.pipeline.start();
  }

  async stop() {
    await this.pipeline.stop();
  }

  /**
   * Changes a stored alert (a user's or a response's move through its lifecycle) from the alert
   * as it is stored at that moment, between detection batches, and tells detection. Undefined
   * when there is no such alert; whatever `change` throws is thrown.
   */
  async changeAlert(
    id: string,
    change: (current: ThreatAlert) => ThreatAlert,
  ): Promise<ThreatAlert | undefined> {
    return this.pipeline.exclusive(async () => {
      const current = await this.store.getAlert(id);
      if (!current) return undefined;
      const next = change(current);
      await this.store.saveAlert(next);
      if (this.settings.enabled) this.pipeline.detector.track(next);
      return next;
    });
  }

  /** An exception made from a false positive: stored, and in force from the next event. */
  async addException(
    alert: ThreatAlert,
    scope: 'subject' | 'cluster',
    reason: string,
    createdBy: string,
  ) {
    const exception: RuleException = {
      ruleId: alert.ruleId,
      cluster: `${alert.hub}/${alert.cluster}`,
      ...(scope === 'subject' ? { condition: subjectCondition(alert) } : {}),
      reason,
      createdBy,
    };
    // Compiled before it is stored: an exception that would not load is refused now.
    this.rules.compileException(exception);
    await this.store.addException({ ...exception, alertId: alert.id });
    this.exceptions.push(exception);
    this.rules = this.loadRules();
    if (this.settings.enabled) this.pipeline.detector.useRules(this.rules);
  }
}

/** A CEL condition true for events about the alert's subject. */
export function subjectCondition(alert: Pick<ThreatAlert, 'subject'>): string {
  const s = alert.subject;
  const literal = (value: string) => JSON.stringify(value);
  if (s.kind === 'user') return `ev.user == ${literal(s.user)}`;
  return [
    s.resource ? `ev.resource == ${literal(s.resource)}` : undefined,
    `ev.namespace == ${literal(s.namespace ?? '')}`,
    `ev.name == ${literal(s.name ?? '')}`,
  ]
    .filter(Boolean)
    .join(' && ');
}
