import { ConflictError } from '@backstage/errors';
import { ClusterSpec } from '@hostplane/plugin-hostplane-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  FieldIssuesError,
  HostplaneClient,
  refusedWith,
} from '../HostplaneClient';
import {
  DRY_RUN_OPERATION_ID,
  HostplaneActionsOptions,
  clientFor,
  clusterEntityRef,
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

/** What the API would refuse before planning: a hub it does not know, a version the hub does not offer, a name in use. */
async function checkCreate(
  client: HostplaneClient,
  spec: ClusterSpec,
): Promise<void> {
  const offered = await client.hubVersions(spec.hub).catch(error => {
    if (refusedWith(error) === 404) {
      throw new FieldIssuesError(
        `The cluster spec is not valid: hub: there is no hub '${spec.hub}'`,
        [{ path: ['hub'], message: `there is no hub '${spec.hub}'` }],
      );
    }
    throw error;
  });
  const versions = offered.versions.map(v => v.version);
  if (!versions.includes(spec.version)) {
    const message = `version ${spec.version} is not offered by hub '${
      spec.hub
    }' (offered: ${versions.join(', ')})`;
    throw new FieldIssuesError(
      `The cluster spec is not valid: version: ${message}`,
      [{ path: ['version'], message }],
    );
  }
  const taken = await client.getCluster(spec.hub, spec.name).then(
    cluster => `owner ${cluster.owner}`,
    error => {
      if (refusedWith(error) === 404) return undefined;
      // The API answers 403 only for a cluster that exists.
      if (refusedWith(error) === 403) return 'you may not see it';
      throw error;
    },
  );
  if (taken) {
    throw new ConflictError(
      `A cluster named '${spec.name}' already exists on hub '${spec.hub}' (${taken})`,
    );
  }
}

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
  }`;
}

export function createClusterAction(options: HostplaneActionsOptions) {
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
      const client = await clientFor(ctx, options);
      const cluster = `cluster '${spec.name}' on hub '${spec.hub}'`;

      let operationId = DRY_RUN_OPERATION_ID;
      if (ctx.isDryRun) {
        await checkCreate(client, spec);
        ctx.logger.info(
          `Dry run: would create ${cluster}: ${describeSpec(
            spec,
          )}. Nothing was created.`,
        );
      } else {
        operationId = await submitOnce(
          ctx,
          `create-${spec.hub}-${spec.name}`,
          () => client.createCluster(body),
        );
        await reportOperation(
          ctx,
          options,
          client,
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
