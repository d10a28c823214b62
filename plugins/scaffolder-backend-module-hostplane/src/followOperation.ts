import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError, ServiceUnavailableError } from '@backstage/errors';
import { Operation, OperationStep } from '@hostplane/plugin-hostplane-common';
import { setTimeout as sleep } from 'node:timers/promises';
import { HostplaneApiClient } from '@hostplane/plugin-hostplane-node';

export interface ProgressLine {
  level: 'info' | 'error';
  message: string;
}

/**
 * What changed between two snapshots of an operation: a line for each step that started, reported
 * progress, finished or failed. Unchanged steps give nothing, so polling often never repeats a
 * line; a step that started and finished between two looks gets both lines, so every step reads
 * the same in the log.
 */
export function progressLines(
  before: Operation | undefined,
  after: Operation,
): ProgressLine[] {
  const lines: ProgressLine[] = [];
  after.steps.forEach((step, index) => {
    const previous: Partial<OperationStep> =
      before?.steps[index]?.name === step.name ? before.steps[index] : {};
    const prefix = `[${index + 1}/${after.steps.length}] ${step.title}`;
    const restarted = (previous.attempts ?? 0) < step.attempts;
    if (step.state === previous.state && !restarted) {
      if (
        step.state === 'running' &&
        step.message &&
        step.message !== previous.message
      ) {
        lines.push({ level: 'info', message: `${prefix}: ${step.message}` });
      }
      return;
    }
    if (
      step.state !== 'pending' &&
      (previous.state !== 'running' || restarted)
    ) {
      lines.push({
        level: 'info',
        message: `${prefix}: started${
          step.attempts > 1 ? ` (attempt ${step.attempts})` : ''
        }`,
      });
    }
    switch (step.state) {
      case 'running':
        if (step.message) {
          lines.push({ level: 'info', message: `${prefix}: ${step.message}` });
        }
        break;
      case 'succeeded':
        lines.push({ level: 'info', message: `${prefix}: done` });
        break;
      case 'failed':
        lines.push({
          level: 'error',
          message: `${prefix}: failed: ${step.message ?? 'no reason given'}`,
        });
        break;
      default:
        break;
    }
  });
  return lines;
}

/** How many polls in a row may fail to reach the API (a restart, a proxy hiccup) before giving up. */
const TOLERATED_UNREACHABLE_POLLS = 5;

function isTransient(error: unknown): boolean {
  return (
    error instanceof ServiceUnavailableError ||
    (error instanceof ResponseError && error.statusCode >= 500)
  );
}

/**
 * Polls the operation until it has finished, logging each change of its steps. Resolves with the
 * succeeded operation; rejects with the operation's own error when it fails.
 */
export async function followOperation(options: {
  client: Pick<HostplaneApiClient, 'getOperation'>;
  /** On whose behalf the operation is read: the task's initiator. */
  credentials?: BackstageCredentials;
  operationId: string;
  logger: LoggerService;
  pollIntervalMs: number;
  signal?: AbortSignal;
}): Promise<Operation> {
  const { client, credentials, operationId, logger, pollIntervalMs, signal } =
    options;
  let operation: Operation | undefined;
  let unreachable = 0;
  for (;;) {
    let next: Operation;
    try {
      next = await client.getOperation(operationId, { credentials, signal });
      unreachable = 0;
    } catch (error) {
      if (!isTransient(error) || ++unreachable > TOLERATED_UNREACHABLE_POLLS) {
        throw error;
      }
      logger.warn(`${(error as Error).message}; asking again`);
      await sleep(pollIntervalMs, undefined, { signal });
      continue;
    }
    for (const line of progressLines(operation, next)) {
      logger[line.level](line.message);
    }
    operation = next;
    if (operation.state !== 'running') break;
    await sleep(pollIntervalMs, undefined, { signal });
  }
  const what = `Hostplane's ${operation.type} of cluster '${operation.cluster}' on hub '${operation.hub}'`;
  if (operation.state === 'failed') {
    throw new Error(
      `${what} failed (operation ${operation.id}): ${operation.error}. Once the cause is fixed, POST /api/hostplane/operations/${operation.id}/retry runs it again from the failed step.`,
    );
  }
  logger.info(`${what} succeeded (operation ${operation.id})`);
  return operation;
}
