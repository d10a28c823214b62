import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { HostplaneApiClient } from '@hostplane/plugin-hostplane-node';
import { followOperation } from '../followOperation';
import {
  DRY_RUN_OPERATION_ID,
  HostplaneActionsOptions,
  initiatorRequestOptions,
  submitOnce,
} from './common';
import { backupClusterExamples } from './examples';
import {
  clusterChange,
  clusterRefInput,
  operationIdOutput,
  waitInput,
} from './inputs';

export function backupClusterAction(options: HostplaneActionsOptions) {
  const client = new HostplaneApiClient(options);
  return createTemplateAction({
    id: 'hostplane:cluster:backup',
    description:
      "Backs up the etcd of a Hostplane tenant cluster now (an encrypted, verified snapshot in its hub's backup store), as the task's initiator. Needs hostplane.backup.create on the cluster.",
    examples: backupClusterExamples,
    supportsDryRun: true,
    schema: {
      input: {
        ...clusterRefInput,
        waitForCompletion: waitInput('the backup is stored and verified'),
      },
      output: {
        ...operationIdOutput,
        backupId: z =>
          z
            .string()
            .optional()
            .describe(
              'The new backup, for a later restoreFrom; only when the action waited for it (waitForCompletion), and not in a dry run',
            ),
      },
    },
    async handler(ctx) {
      const { hub, name, waitForCompletion } = ctx.input;
      const change = clusterChange({ action: 'backup' });
      const asInitiator = await initiatorRequestOptions(ctx);
      const target = `cluster '${name}' on hub '${hub}'`;

      if (ctx.isDryRun) {
        // The API checks the permission, the provider's support and a running operation.
        await client.planChange(hub, name, change, asInitiator);
        const { policy, items } = await client.listBackups(
          hub,
          name,
          asInitiator,
        );
        ctx.logger.info(
          `Dry run: would back up the etcd of ${target} (${items.length} backup(s) kept now, the newest ${policy.retention} kept on '${policy.schedule}'). Nothing was changed.`,
        );
        ctx.output('operationId', DRY_RUN_OPERATION_ID);
        return;
      }

      const operationId = await submitOnce(ctx, `backup-${hub}-${name}`, () =>
        client.changeCluster(hub, name, change, asInitiator),
      );
      ctx.output('operationId', operationId);
      ctx.logger.info(
        `Hostplane is backing up the etcd of ${target} as operation ${operationId}`,
      );
      if (!waitForCompletion) return;
      const operation = await followOperation({
        client,
        credentials: asInitiator.credentials,
        operationId,
        logger: ctx.logger,
        pollIntervalMs: options.pollIntervalMs ?? 5_000,
        signal: ctx.signal,
      });
      // The backup this operation took: the newest one taken on request since it started.
      const { items } = await client.listBackups(hub, name, asInitiator);
      const started = Date.parse(operation.createdAt);
      const backup = items.find(
        b => b.trigger === 'manual' && Date.parse(b.createdAt) >= started,
      );
      if (!backup) {
        ctx.logger.warn(
          `Operation ${operationId} finished, but no backup of ${target} taken since it started is listed`,
        );
        return;
      }
      ctx.logger.info(
        `Backup ${backup.id} of ${target}: etcd revision ${backup.revision}, SHA-256 ${backup.sha256}`,
      );
      ctx.output('backupId', backup.id);
    },
  });
}
