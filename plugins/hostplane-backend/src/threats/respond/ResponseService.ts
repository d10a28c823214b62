import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type {
  ClusterResponsePolicy,
  ClusterStatus,
  ResponseAction,
  ResponseActionRequest,
  ResponsePolicy,
  ThreatAlert,
  ThreatContext,
  ThreatReport,
} from '@hostplane/plugin-hostplane-common';
import type {
  HostedControlPlaneProvider,
  HubDefinition,
} from '@hostplane/plugin-hostplane-node';
import type {
  V1ClusterRoleBinding,
  V1RoleBinding,
} from '@kubernetes/client-node';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { IssuanceStore } from '../../database/IssuanceStore';
import { serviceUser } from '../../kubeconfig/tenantAccess';
import { readTenantAuthority } from '../../kubeconfig/tenantAuthority';
import type { ClusterService } from '../../service/ClusterService';
import { AlertTransitionError, transition } from '../alerts';
import type { ThreatDetection } from '../ThreatDetection';
import {
  bindingContext,
  bindingsOfServiceAccount,
  podContext,
  serviceAccountOf,
} from './context';
import { parseManifest } from './manifest';
import {
  TenantObjects,
  TenantStep,
  forwardSteps,
  planAction,
  revertSteps,
} from './plan';
import { ResponseStore } from './ResponseStore';
import {
  AUTO_RESPONDER,
  actsAutomatically,
  ruleResponseRequest,
  subjectTarget,
} from './ruleResponse';
import { suggestionsFor } from './suggestions';
import { TenantClient } from './TenantClient';

export interface ResponseServiceOptions {
  hubs: HubDefinition[];
  providers: Map<string, HostedControlPlaneProvider>;
  clusters: ClusterService;
  threats: ThreatDetection;
  db: Knex;
  issuances: IssuanceStore;
  auditor: AuditorService;
  logger: LoggerService;
  /** The policy of clusters that have none of their own. */
  defaults: ResponsePolicy;
  trustedRegistries: string[];
  /** How a tenant is reached; with its admin credential from the hub by default. */
  tenantClient?: (cluster: ClusterStatus) => Promise<TenantClient>;
}

const RESUME_INTERVAL_MS = 5_000;
const RESUME_ATTEMPTS = 60;

/**
 * Threat response: each cluster's policy, the report of an alert (what the tenant holds of its
 * subject, and what could be done), and actions carried out in the tenant with its admin
 * credential, recorded before they start and reverted on request.
 */
export class ResponseService {
  readonly store: ResponseStore;
  /** Alerts the policy is acting on in this instance (the store knows those it has acted on). */
  private readonly acting = new Set<string>();
  private autoQueue: Promise<void> = Promise.resolve();
  private resumeTimer?: NodeJS.Timeout;

  constructor(private readonly options: ResponseServiceOptions) {
    this.store = new ResponseStore(options.db);
  }

  async policy(hub: string, cluster: string): Promise<ClusterResponsePolicy> {
    const stored = await this.store.getPolicy(hub, cluster);
    return stored
      ? { ...stored, isDefault: false }
      : { ...this.options.defaults, isDefault: true };
  }

  async setPolicy(
    cluster: ClusterStatus,
    policy: ResponsePolicy,
    by: string,
  ): Promise<ClusterResponsePolicy> {
    const auditEvent = await this.options.auditor.createEvent({
      eventId: 'threat-response-policy',
      severityLevel: 'medium',
      meta: { hub: cluster.hub, cluster: cluster.name, ...policy },
    });
    try {
      const stored = {
        ...policy,
        updatedBy: by,
        updatedAt: new Date().toISOString(),
      };
      await this.store.setPolicy(cluster.hub, cluster.name, stored);
      await auditEvent.success();
      return { ...stored, isDefault: false };
    } catch (error) {
      await auditEvent.fail({ error: error as Error });
      throw error;
    }
  }

  async actions(cluster: ClusterStatus): Promise<ResponseAction[]> {
    return this.store.listActions({ hub: cluster.hub, cluster: cluster.name });
  }

  async report(
    cluster: ClusterStatus,
    alert: ThreatAlert,
  ): Promise<ThreatReport> {
    const [policy, actions, read, issuedByHostplane] = await Promise.all([
      this.policy(cluster.hub, cluster.name),
      this.store.listActions({
        hub: cluster.hub,
        cluster: cluster.name,
        alertId: alert.id,
      }),
      this.readContext(cluster, alert),
      this.issuedByHostplane(cluster, alert.subject.user),
    ]);
    const suggestions =
      policy.mode === 'off'
        ? []
        : suggestionsFor({
            alert,
            response: this.ruleOf(alert)?.response,
            context: read.context,
            binding: read.binding,
            issuedByHostplane,
            trustedRegistries: this.options.trustedRegistries,
          });
    return { alert, policy, context: read.context, suggestions, actions };
  }

  /**
   * Carries out an action on an alert, or with `dryRun` only plans it: the changes it would make,
   * nothing changed and nothing recorded. The action is recorded as pending before the tenant
   * changes, so that a backend stopped half-way finishes it at its next start.
   */
  async act(
    cluster: ClusterStatus,
    alert: ThreatAlert,
    request: ResponseActionRequest,
    by: string,
  ): Promise<ResponseAction> {
    const id = randomUUID();
    const tenant =
      request.kind === 'revokeKubeconfigs'
        ? undefined
        : await this.tenant(cluster);
    const objects = tenant ? await this.objectsFor(tenant, request) : {};
    const planned = planAction(
      request.kind,
      alert.id,
      objects,
      cluster,
      request.target,
    );
    const action: ResponseAction = {
      id,
      alertId: alert.id,
      hub: cluster.hub,
      cluster: cluster.name,
      kind: request.kind,
      ...(planned.target ? { target: planned.target } : {}),
      status: 'pending',
      by,
      at: new Date().toISOString(),
      changes: planned.changes,
      reversible: planned.reversible,
    };
    if (request.dryRun) return { ...action, status: 'dryRun' };

    const auditEvent = await this.options.auditor.createEvent({
      eventId: 'threat-response-action',
      severityLevel: 'high',
      meta: {
        hub: cluster.hub,
        cluster: cluster.name,
        alertId: alert.id,
        actionId: id,
        kind: action.kind,
        target: action.target,
        by,
      },
    });
    let finished: ResponseAction;
    try {
      await this.store.saveAction(action);
      finished = await this.carryOut(cluster, action, tenant);
    } catch (error) {
      await auditEvent.fail({ error: error as Error });
      throw error;
    }
    if (finished.status === 'done') {
      await auditEvent.success({ meta: { changes: finished.changes.length } });
      await this.mitigate(alert.id, finished);
    } else {
      await auditEvent.fail({ error: new Error(finished.error) });
    }
    return finished;
  }

  /** Undoes a done, reversible action: the alert it mitigated is acknowledged again. */
  async revert(
    cluster: ClusterStatus,
    actionId: string,
    by: string,
  ): Promise<ResponseAction> {
    const action = await this.store.getAction(actionId);
    if (
      !action ||
      action.hub !== cluster.hub ||
      action.cluster !== cluster.name
    ) {
      throw new NotFoundError(
        `No response action '${actionId}' on cluster '${cluster.name}'`,
      );
    }
    if (!action.reversible) {
      throw new ConflictError(`A ${action.kind} action cannot be reverted`);
    }
    if (action.status !== 'done') {
      throw new ConflictError(
        `Only a done action can be reverted; this one is ${action.status}`,
      );
    }
    const auditEvent = await this.options.auditor.createEvent({
      eventId: 'threat-response-revert',
      severityLevel: 'high',
      meta: {
        hub: cluster.hub,
        cluster: cluster.name,
        actionId,
        kind: action.kind,
        target: action.target,
      },
    });
    try {
      const tenant = await this.tenant(cluster);
      await this.run(cluster, revertSteps(action.changes), tenant, action);
      const reverted: ResponseAction = {
        ...action,
        status: 'reverted',
        revertedBy: by,
        revertedAt: new Date().toISOString(),
      };
      await this.store.saveAction(reverted);
      await auditEvent.success();
      await this.options.threats.changeAlert(action.alertId, alert =>
        alert.status === 'mitigated'
          ? transition(
              alert,
              'acknowledged',
              by,
              new Date(),
              `reverted ${action.kind}`,
            )
          : alert,
      );
      return reverted;
    } catch (error) {
      await auditEvent.fail({ error: error as Error });
      throw error;
    }
  }

  /**
   * Carries out the rule's response of every alert the cluster's policy acts on, once per alert,
   * and tells the cluster's owner what was done. Runs beside detection, not in its way.
   */
  respondAutomatically(
    notifications: NotificationService,
    /** The owner entity of a cluster, if it is known. */
    ownerOf: (hub: string, cluster: string) => string | undefined,
  ) {
    this.options.threats.pipeline.onAlert(alert => {
      if (!this.ruleOf(alert)?.response || this.acting.has(alert.id)) return;
      this.autoQueue = this.autoQueue
        .then(() => this.respondTo(alert, notifications, ownerOf))
        .catch(error =>
          this.options.logger.warn(
            `Automatic response to alert ${alert.id} failed: ${
              (error as Error).message
            }`,
          ),
        );
    });
  }

  /** Carries out the actions a stopped backend left pending; retries while clusters are unknown. */
  async resumePending(attempt = 0): Promise<void> {
    const pending = await this.store.pendingActions();
    let left = 0;
    for (const action of pending) {
      let cluster: ClusterStatus;
      try {
        cluster = this.options.clusters.get(action.hub, action.cluster);
      } catch {
        left += 1;
        continue;
      }
      try {
        const tenant =
          action.kind === 'revokeKubeconfigs'
            ? undefined
            : await this.tenant(cluster);
        const finished = await this.carryOut(cluster, action, tenant);
        if (finished.status === 'done') {
          await this.mitigate(action.alertId, finished);
        }
      } catch (error) {
        left += 1;
        this.options.logger.warn(
          `Response action ${action.id} could not be resumed yet: ${
            (error as Error).message
          }`,
        );
      }
    }
    if (left && attempt < RESUME_ATTEMPTS) {
      this.resumeTimer = setTimeout(
        () => void this.resumePending(attempt + 1),
        RESUME_INTERVAL_MS,
      );
    }
  }

  /** Resolves once the automatic responses started so far have finished. */
  async settled(): Promise<void> {
    let queue;
    do {
      queue = this.autoQueue;
      await queue;
    } while (queue !== this.autoQueue);
  }

  async stop() {
    clearTimeout(this.resumeTimer);
    await this.settled();
  }

  private async respondTo(
    alert: ThreatAlert,
    notifications: NotificationService,
    ownerOf: (hub: string, cluster: string) => string | undefined,
  ) {
    if (alert.status !== 'open' && alert.status !== 'acknowledged') return;
    const rule = this.ruleOf(alert);
    if (!rule?.response) return;
    const policy = await this.policy(alert.hub, alert.cluster);
    if (!actsAutomatically(policy, alert)) return;
    if (this.acting.has(alert.id)) return;
    this.acting.add(alert.id);
    if (await this.store.hasActionBy(alert.id, AUTO_RESPONDER)) return;
    const cluster = this.options.clusters.get(alert.hub, alert.cluster);
    const [{ context }, issuedByHostplane] = await Promise.all([
      this.readContext(cluster, alert),
      this.issuedByHostplane(cluster, alert.subject.user),
    ]);
    const request = ruleResponseRequest({
      alert,
      response: rule.response,
      context,
      issuedByHostplane,
    });
    if (!request) return;
    const action = await this.act(cluster, alert, request, AUTO_RESPONDER);
    const owner = ownerOf(alert.hub, alert.cluster);
    if (!owner) return;
    const target = action.target
      ? `${action.target.kind} ${[action.target.namespace, action.target.name]
          .filter(Boolean)
          .join('/')}`
      : `cluster ${alert.cluster}`;
    await notifications.send({
      recipients: { type: 'entity', entityRef: owner },
      payload: {
        title: `Automatic response on ${alert.cluster}: ${action.kind} ${
          action.status === 'done' ? 'done' : 'failed'
        }`,
        description: `${action.kind} on ${target} for "${
          alert.title
        }" (likelihood ${alert.likelihood})${
          action.error ? `: ${action.error}` : ''
        }`,
        severity: 'high',
        topic: 'hostplane.threats.response',
        scope: `hostplane-threat-action-${action.id}`,
      },
    });
  }

  private ruleOf(alert: Pick<ThreatAlert, 'ruleId'>) {
    return this.options.threats.ruleSet.rules.find(r => r.id === alert.ruleId);
  }

  /** Runs an action's steps and records how it ended. */
  private async carryOut(
    cluster: ClusterStatus,
    action: ResponseAction,
    tenant: TenantClient | undefined,
  ): Promise<ResponseAction> {
    let finished: ResponseAction;
    try {
      await this.run(cluster, forwardSteps(action.changes), tenant, action);
      finished = { ...action, status: 'done' };
    } catch (error) {
      finished = {
        ...action,
        status: 'failed',
        // The API server's answer, cut short: a client error repeats the whole response.
        error: (error as Error).message.slice(0, 2000),
      };
    }
    await this.store.saveAction(finished);
    return finished;
  }

  private async run(
    cluster: ClusterStatus,
    steps: TenantStep[],
    tenant: TenantClient | undefined,
    action: ResponseAction,
  ) {
    for (const step of steps) {
      if (step.op === 'rotateCredentials') {
        // Carried out again after a stop: a rotation started since the action was recorded is it.
        if (
          cluster.credentialsRotatedAt &&
          cluster.credentialsRotatedAt >= action.at
        ) {
          continue;
        }
        await this.options.clusters.change(
          cluster,
          { action: 'rotateCredentials' },
          action.by,
        );
      } else if (!tenant) {
        throw new Error(`A ${action.kind} action needs the tenant`);
      } else if (step.op === 'apply') {
        await tenant.apply(step.object);
      } else {
        await tenant.delete(step.object, step.gracePeriodSeconds);
      }
    }
  }

  /** Marks the alert mitigated by whoever acted, if its lifecycle allows it now. */
  private async mitigate(alertId: string, action: ResponseAction) {
    const target = action.target
      ? ` ${[action.target.namespace, action.target.name]
          .filter(Boolean)
          .join('/')}`
      : '';
    try {
      await this.options.threats.changeAlert(alertId, alert =>
        transition(
          alert,
          'mitigated',
          action.by,
          new Date(),
          `${action.kind}${target}`,
        ),
      );
    } catch (error) {
      if (!(error instanceof AlertTransitionError)) throw error;
    }
  }

  private async tenant(cluster: ClusterStatus): Promise<TenantClient> {
    if (this.options.tenantClient) return this.options.tenantClient(cluster);
    const hub = this.options.hubs.find(h => h.name === cluster.hub);
    if (!hub) throw new NotFoundError(`There is no hub '${cluster.hub}'`);
    const provider = this.options.providers.get(hub.provider)!;
    const { admin } = await readTenantAuthority(hub, provider, cluster);
    return new TenantClient(admin);
  }

  private async objectsFor(
    tenant: TenantClient,
    request: ResponseActionRequest,
  ): Promise<TenantObjects> {
    const target = request.target;
    switch (request.kind) {
      case 'isolatePod':
      case 'terminatePod':
      case 'scaleOwnerToZero': {
        if (!target || target.kind !== 'Pod' || !target.namespace) {
          throw new ConflictError(
            `${request.kind} needs a Pod target with its namespace`,
          );
        }
        const pod = await tenant.pod(target.namespace, target.name);
        if (!pod || request.kind !== 'scaleOwnerToZero') return { pod };
        return { pod, owner: await tenant.scalableOwner(pod) };
      }
      case 'removeBinding': {
        if (
          !target ||
          (target.kind !== 'RoleBinding' &&
            target.kind !== 'ClusterRoleBinding')
        ) {
          throw new ConflictError(
            'removeBinding needs a RoleBinding or ClusterRoleBinding target',
          );
        }
        return {
          binding: await tenant.binding(
            target.kind,
            target.name,
            target.namespace,
          ),
        };
      }
      case 'applyManifest': {
        if (!request.manifest) {
          throw new ConflictError('applyManifest needs a manifest');
        }
        const object = parseManifest(request.manifest);
        const current = await tenant.read(
          object.apiVersion!,
          object.kind!,
          object.metadata!.name!,
          object.metadata?.namespace,
        );
        return { manifest: { object, ...(current ? { current } : {}) } };
      }
      default:
        return {};
    }
  }

  /** Whether Hostplane issued the credential `user` acted with: a kubeconfig or a service's. */
  private async issuedByHostplane(
    cluster: ClusterStatus,
    user: string,
  ): Promise<boolean> {
    if (user.startsWith(serviceUser(''))) return true;
    const issued = await this.options.issuances.list(
      cluster.hub,
      cluster.name,
      1000,
    );
    return issued.some(record => record.user === user);
  }

  /** What the tenant holds of the alert's subject; what could not be read is said so. */
  private async readContext(
    cluster: ClusterStatus,
    alert: ThreatAlert,
  ): Promise<{
    context: ThreatContext;
    binding?: V1RoleBinding | V1ClusterRoleBinding;
  }> {
    let tenant: TenantClient;
    try {
      tenant = await this.tenant(cluster);
    } catch (error) {
      return {
        context: {
          unavailable: `The cluster cannot be read: ${
            (error as Error).message
          }`,
        },
      };
    }
    try {
      const subject = alert.subject;
      const target = subjectTarget(alert);
      if (subject.kind === 'pod' && target?.namespace) {
        const pod = await tenant.pod(target.namespace, target.name);
        if (!pod) {
          return {
            context: {
              unavailable: `Pod ${target.namespace}/${target.name} no longer exists`,
            },
          };
        }
        const [owner, bindings] = await Promise.all([
          tenant.scalableOwner(pod),
          tenant.bindings(),
        ]);
        return {
          context: {
            pod: podContext(pod, owner),
            serviceAccountBindings: bindingsOfServiceAccount(
              target.namespace,
              pod.spec?.serviceAccountName ?? 'default',
              bindings.roleBindings,
              bindings.clusterRoleBindings,
            ),
          },
        };
      }
      if (
        subject.kind === 'binding' &&
        target &&
        (target.kind === 'RoleBinding' || target.kind === 'ClusterRoleBinding')
      ) {
        const binding = await tenant.binding(
          target.kind,
          target.name,
          target.namespace,
        );
        if (binding) {
          return {
            context: { binding: bindingContext(target.kind, binding) },
            binding,
          };
        }
        // Removed already (by a response, or by hand): the action that removed it holds it.
        const removed = (
          await this.store.listActions({
            hub: cluster.hub,
            cluster: cluster.name,
            alertId: alert.id,
          })
        )
          .flatMap(a => a.changes)
          .find(c => c.operation === 'delete' && c.name === target.name)
          ?.before as V1RoleBinding | undefined;
        return {
          context: {
            binding: removed
              ? bindingContext(target.kind, removed, false)
              : {
                  kind: target.kind,
                  ...(target.namespace ? { namespace: target.namespace } : {}),
                  name: target.name,
                  role: '',
                  subjects: [],
                  exists: false,
                },
          },
        };
      }
      const account = serviceAccountOf(subject.user);
      if (account) {
        const [pods, bindings] = await Promise.all([
          tenant.podsOf(account.namespace, account.name),
          tenant.bindings(),
        ]);
        const pod = pods[0];
        return {
          context: {
            ...(pod
              ? { pod: podContext(pod, await tenant.scalableOwner(pod)) }
              : {}),
            serviceAccountBindings: bindingsOfServiceAccount(
              account.namespace,
              account.name,
              bindings.roleBindings,
              bindings.clusterRoleBindings,
            ),
          },
        };
      }
      return { context: {} };
    } catch (error) {
      return {
        context: {
          unavailable: `The cluster cannot be read: ${
            (error as Error).message
          }`,
        },
      };
    }
  }
}
