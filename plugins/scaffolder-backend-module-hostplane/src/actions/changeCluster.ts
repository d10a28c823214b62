import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { HostplaneApiClient } from '@hostplane/plugin-hostplane-node';
import {
  DRY_RUN_OPERATION_ID,
  HostplaneActionsOptions,
  initiatorRequestOptions,
  reportOperation,
  submitOnce,
} from './common';
import {
  deleteClusterExamples,
  scaleClusterExamples,
  upgradeClusterExamples,
} from './examples';
import {
  clusterChange,
  clusterRefInput,
  operationIdOutput,
  waitInput,
} from './inputs';

export function scaleClusterAction(options: HostplaneActionsOptions) {
  const client = new HostplaneApiClient(options);
  return createTemplateAction({
    id: 'hostplane:cluster:scale',
    description:
      "Sets the number of machines of one node pool of a Hostplane tenant cluster (a pool under autoscaling gets a fixed size), as the task's initiator.",
    examples: scaleClusterExamples,
    supportsDryRun: true,
    schema: {
      input: {
        ...clusterRefInput,
        pool: z => z.string().describe('The node pool to scale'),
        replicas: z =>
          z.number().int().describe('Machines in the pool, 0 to 100'),
        waitForReady: waitInput('the pool has its machines'),
      },
      output: operationIdOutput,
    },
    async handler(ctx) {
      const { hub, name, pool, replicas, waitForReady } = ctx.input;
      const change = clusterChange({ action: 'scale', pool, replicas });
      const asInitiator = await initiatorRequestOptions(ctx);
      const target = `node pool '${pool}' of cluster '${name}' on hub '${hub}'`;

      let operationId = DRY_RUN_OPERATION_ID;
      if (ctx.isDryRun) {
        await client.planChange(hub, name, change, asInitiator);
        const cluster = await client.getCluster(hub, name, asInitiator);
        const current = cluster.nodePools.find(p => p.name === pool);
        const from = current?.autoscaling
          ? `autoscaling ${current.autoscaling.min}-${current.autoscaling.max}`
          : `${current?.replicas ?? current?.currentReplicas}`;
        ctx.logger.info(
          `Dry run: would scale ${target} from ${from} to ${replicas} machines. Nothing was changed.`,
        );
      } else {
        operationId = await submitOnce(
          ctx,
          `scale-${hub}-${name}-${pool}`,
          () => client.changeCluster(hub, name, change, asInitiator),
        );
        await reportOperation(
          ctx,
          options,
          client,
          asInitiator,
          operationId,
          `the scaling of ${target} to ${replicas} machines`,
          waitForReady,
        );
      }
      ctx.output('operationId', operationId);
    },
  });
}

export function upgradeClusterAction(options: HostplaneActionsOptions) {
  const client = new HostplaneApiClient(options);
  return createTemplateAction({
    id: 'hostplane:cluster:upgrade',
    description:
      "Upgrades a Hostplane tenant cluster to a Kubernetes version its hub offers (control plane first, then the node pools; one minor version at a time), as the task's initiator.",
    examples: upgradeClusterExamples,
    supportsDryRun: true,
    schema: {
      input: {
        ...clusterRefInput,
        version: z =>
          z
            .string()
            .describe("The Kubernetes version to move to, such as 'v1.37.2'"),
        waitForReady: waitInput('the control plane and every pool run it'),
      },
      output: operationIdOutput,
    },
    async handler(ctx) {
      const { hub, name, version, waitForReady } = ctx.input;
      const change = clusterChange({ action: 'upgrade', version });
      const asInitiator = await initiatorRequestOptions(ctx);
      const target = `cluster '${name}' on hub '${hub}'`;

      let operationId = DRY_RUN_OPERATION_ID;
      if (ctx.isDryRun) {
        // The API checks the version and the upgrade path (no downgrades, no skipped minor
        // versions) as it would for the upgrade.
        await client.planChange(hub, name, change, asInitiator);
        const cluster = await client.getCluster(hub, name, asInitiator);
        ctx.logger.info(
          `Dry run: would upgrade ${target} from ${
            cluster.version ?? 'its current version'
          } to ${version}. Nothing was changed.`,
        );
      } else {
        operationId = await submitOnce(ctx, `upgrade-${hub}-${name}`, () =>
          client.changeCluster(hub, name, change, asInitiator),
        );
        await reportOperation(
          ctx,
          options,
          client,
          asInitiator,
          operationId,
          `the upgrade of ${target} to ${version}`,
          waitForReady,
        );
      }
      ctx.output('operationId', operationId);
    },
  });
}

export function deleteClusterAction(options: HostplaneActionsOptions) {
  const client = new HostplaneApiClient(options);
  return createTemplateAction({
    id: 'hostplane:cluster:delete',
    description:
      "Deletes a Hostplane tenant cluster with its node pools and generated secrets, as the task's initiator. Refused while the cluster has deletion protection on.",
    examples: deleteClusterExamples,
    supportsDryRun: true,
    schema: {
      input: {
        ...clusterRefInput,
        waitForDeletion: waitInput('the cluster is gone'),
      },
      output: operationIdOutput,
    },
    async handler(ctx) {
      const { hub, name, waitForDeletion } = ctx.input;
      const asInitiator = await initiatorRequestOptions(ctx);
      const target = `cluster '${name}' on hub '${hub}'`;

      let operationId = DRY_RUN_OPERATION_ID;
      if (ctx.isDryRun) {
        await client.planDeletion(hub, name, asInitiator);
        const cluster = await client.getCluster(hub, name, asInitiator);
        ctx.logger.info(
          `Dry run: would delete ${target} (${cluster.phase}, ${cluster.nodePools.length} node pool(s)). Nothing was deleted.`,
        );
      } else {
        operationId = await submitOnce(ctx, `delete-${hub}-${name}`, () =>
          client.deleteCluster(hub, name, asInitiator),
        );
        await reportOperation(
          ctx,
          options,
          client,
          asInitiator,
          operationId,
          `the deletion of ${target}`,
          waitForDeletion,
        );
      }
      ctx.output('operationId', operationId);
    },
  });
}
