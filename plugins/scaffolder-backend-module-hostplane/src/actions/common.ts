import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ActionContext } from '@backstage/plugin-scaffolder-node';
import {
  HostplaneApiClient,
  HostplaneRequestOptions,
} from '@hostplane/plugin-hostplane-node';
import { followOperation } from '../followOperation';

export interface HostplaneActionsOptions {
  discovery: DiscoveryService;
  auth: AuthService;
  /** How often an action that waits asks for the operation's progress; 5 s when left out. */
  pollIntervalMs?: number;
}

/** The `operationId` output of a dry run, where nothing is submitted. */
export const DRY_RUN_OPERATION_ID = 'dry-run';

type AnyActionContext = ActionContext<any, any>;

/**
 * How an action calls the Hostplane API: as the task's initiator, whose permissions decide what it
 * may do; a request sent again says so in the task's log; a cancelled task stops waiting.
 */
export async function initiatorRequestOptions(
  ctx: AnyActionContext,
): Promise<HostplaneRequestOptions> {
  return {
    credentials: await ctx.getInitiatorCredentials(),
    signal: ctx.signal,
    logger: ctx.logger,
  };
}

/** The catalog entity `@hostplane/plugin-catalog-backend-module-hostplane` gives the cluster. */
export function clusterEntityRef(hub: string, name: string): string {
  return stringifyEntityRef({
    kind: 'Resource',
    namespace: 'default',
    name: `${name}.${hub}`,
  });
}

/**
 * Submits once per task step: a task resumed after a restart finds the operation it submitted
 * before instead of asking again (which the API would refuse while the first one runs).
 */
export async function submitOnce(
  ctx: AnyActionContext,
  key: string,
  submit: () => Promise<{ id: string }>,
): Promise<string> {
  return ctx.checkpoint({ key, fn: async () => (await submit()).id });
}

/** Logs what was submitted and, when asked to, follows it to the end. */
export async function reportOperation(
  ctx: AnyActionContext,
  options: HostplaneActionsOptions,
  client: HostplaneApiClient,
  requestOptions: HostplaneRequestOptions,
  operationId: string,
  what: string,
  wait: boolean,
): Promise<void> {
  ctx.logger.info(`Hostplane is running ${what} as operation ${operationId}`);
  if (!wait) return;
  await followOperation({
    client,
    credentials: requestOptions.credentials,
    operationId,
    logger: ctx.logger,
    pollIntervalMs: options.pollIntervalMs ?? 5_000,
    signal: ctx.signal,
  });
}
