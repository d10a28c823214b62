import { ClusterSpec } from '@hostplane/plugin-hostplane-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { HostplaneApiClient } from '@hostplane/plugin-hostplane-node';
import {
  DRY_RUN_OPERATION_ID,
  HostplaneActionsOptions,
  clusterEntityRef,
  initiatorRequestOptions,
  reportOperation,
  submitOnce,
} from './common';
import { createClusterExamples } from './examples';
import {
  clusterRequest,
  clusterSpecInput,
  operationIdOutput,
  waitInput,
} from './inputs';

function describeSpec(spec: ClusterSpec): string {
  const pools = spec.nodePools
    .map(pool => {
      const size = pool.autoscaling
        ? `${pool.autoscaling.min}-${pool.autoscaling.max}`
        : `${pool.replicas}`;
      return `${pool.name} (${size} × ${pool.vcpu} vCPU, ${pool.memoryGiB} GiB)`;
    })
    .join(', ');
  return `Kubernetes ${spec.version}, ${
    spec.availability
  } control plane, node pools ${pools}, owner ${spec.owner}, ${
    spec.sshPublicKey
      ? 'the SSH public key from the task secrets'
      : 'a generated SSH key'
  }${
    spec.restoreFrom
      ? `, etcd restored from backup ${spec.restoreFrom.backupId} of cluster '${spec.restoreFrom.cluster}' on hub '${spec.restoreFrom.hub}'`
      : ''
  }`;
}

export function createClusterAction(options: HostplaneActionsOptions) {
  const client = new HostplaneApiClient(options);
  return createTemplateAction({
    id: 'hostplane:cluster:create',
    description:
      "Creates a Hostplane tenant cluster as the task's initiator. The nodes' SSH public key, if any, comes from the task secrets (secrets.sshPublicKey), never from the input.",
    examples: createClusterExamples,
    supportsDryRun: true,
    schema: {
      input: {
        ...clusterSpecInput,
        waitForReady: waitInput('the cluster is Ready'),
      },
      output: {
        hub: z => z.string().describe('The hub of the cluster'),
        name: z => z.string().describe('The cluster name'),
        ...operationIdOutput,
        entityRef: z =>
          z
            .string()
            .describe(
              "The cluster's catalog entity, such as 'resource:default/shop.local'",
            ),
      },
    },
    async handler(ctx) {
      const { waitForReady, ...fields } = ctx.input;
      const { body, spec } = clusterRequest(fields, ctx.secrets);
      const asInitiator = await initiatorRequestOptions(ctx);
      const cluster = `cluster '${spec.name}' on hub '${spec.hub}'`;

      let operationId = DRY_RUN_OPERATION_ID;
      if (ctx.isDryRun) {
        // The API makes every check creating would (the spec, the owner, the hub's versions, the
        // name, a running operation) and starts nothing.
        await client.planCluster(body, asInitiator);
        ctx.logger.info(
          `Dry run: would create ${cluster}: ${describeSpec(
            spec,
          )}. Nothing was created.`,
        );
      } else {
        operationId = await submitOnce(
          ctx,
          `create-${spec.hub}-${spec.name}`,
          () => client.createCluster(body, asInitiator),
        );
        await reportOperation(
          ctx,
          options,
          client,
          asInitiator,
          operationId,
          `the creation of ${cluster}`,
          waitForReady,
        );
      }
      ctx.output('hub', spec.hub);
      ctx.output('name', spec.name);
      ctx.output('operationId', operationId);
      ctx.output('entityRef', clusterEntityRef(spec.hub, spec.name));
    },
  });
}
