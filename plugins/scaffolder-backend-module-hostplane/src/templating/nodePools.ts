import {
  MAX_POOL_REPLICAS,
  NODE_POOL_SIZES,
  isNodePoolSizeName,
} from '@hostplane/plugin-hostplane-common';
import { createTemplateFilter } from '@backstage/plugin-scaffolder-node/alpha';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The given fields that are set, so that a missing value is reported by the API's schema. */
function defined(fields: Record<string, unknown>): Record<string, Json> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as Record<string, Json>;
}

/**
 * Node pools as a form collects them, turned into the `nodePools` input of
 * `hostplane:cluster:create`. A form pool is
 * `{ name, size: small|medium|large|custom, vcpu?, memoryGiB?, diskGiB?, scaling: fixed|autoscaled,
 * replicas?, minReplicas?, maxReplicas? }`: a named size stands for its vCPUs, memory and disk
 * (`NODE_POOL_SIZES`), `custom` takes the three numbers given, and `scaling` picks `replicas` or an
 * autoscaling range. Fields of the other choice (left behind when the user changed their mind)
 * are dropped.
 *
 * Nothing is checked here: what does not fit is passed on as given, and the action's own
 * validation then reports it with the API's message and the field's path.
 */
export function nodePoolsFromForm(pools: unknown): unknown {
  if (!Array.isArray(pools)) return pools;
  return pools.map(pool => {
    if (!isRecord(pool)) return pool;
    const machine = isNodePoolSizeName(pool.size)
      ? NODE_POOL_SIZES[pool.size]
      : {
          vcpu: pool.vcpu,
          memoryGiB: pool.memoryGiB,
          diskGiB: pool.diskGiB,
        };
    const size =
      pool.scaling === 'autoscaled'
        ? {
            autoscaling: defined({
              min: pool.minReplicas,
              max: pool.maxReplicas,
            }),
          }
        : { replicas: pool.replicas };
    return defined({ name: pool.name, ...size, ...machine });
  });
}

/** `${{ parameters.nodePools | hostplaneNodePools }}`: see `nodePoolsFromForm`. */
export const hostplaneNodePoolsFilter = createTemplateFilter({
  id: 'hostplaneNodePools',
  description: `Turns node pools as a form collects them (a size name: ${Object.entries(
    NODE_POOL_SIZES,
  )
    .map(
      ([name, s]) =>
        `${name} = ${s.vcpu} vCPU, ${s.memoryGiB} GiB memory, ${s.diskGiB} GiB disk`,
    )
    .join(
      '; ',
    )}; or custom with vcpu, memoryGiB and diskGiB; scaling fixed with replicas or autoscaled with minReplicas and maxReplicas) into the nodePools input of hostplane:cluster:create.`,
  schema: z =>
    z
      .function()
      .args(
        z
          .array(
            z.object({
              name: z.string(),
              size: z.enum(['small', 'medium', 'large', 'custom']),
              vcpu: z.number().int().optional(),
              memoryGiB: z.number().int().optional(),
              diskGiB: z.number().int().optional(),
              scaling: z.enum(['fixed', 'autoscaled']),
              replicas: z.number().int().optional(),
              minReplicas: z.number().int().optional(),
              maxReplicas: z.number().int().optional(),
            }),
          )
          .describe('Node pools as the form collected them'),
      )
      .returns(
        z
          .array(
            z.object({
              name: z.string(),
              replicas: z.number().int().optional(),
              autoscaling: z
                .object({ min: z.number().int(), max: z.number().int() })
                .optional(),
              vcpu: z.number().int(),
              memoryGiB: z.number().int(),
              diskGiB: z.number().int(),
            }),
          )
          .describe(
            `The node pools of hostplane:cluster:create (replicas 0 to ${MAX_POOL_REPLICAS})`,
          ),
      ),
  examples: [
    {
      description:
        'A medium pool of two machines and a custom, autoscaled one for batch jobs',
      example: `- id: cluster
  action: hostplane:cluster:create
  input:
    nodePools: \${{ parameters.nodePools | hostplaneNodePools }}`,
      notes: `- **Input**: \`[{ name: 'workers', size: 'medium', scaling: 'fixed', replicas: 2 }, { name: 'batch', size: 'custom', vcpu: 16, memoryGiB: 64, diskGiB: 200, scaling: 'autoscaled', minReplicas: 1, maxReplicas: 5 }]\`
- **Output**: \`[{ name: 'workers', replicas: 2, vcpu: 4, memoryGiB: 16, diskGiB: 64 }, { name: 'batch', autoscaling: { min: 1, max: 5 }, vcpu: 16, memoryGiB: 64, diskGiB: 200 }]\``,
    },
  ],
  filter: pools => nodePoolsFromForm(pools) as any,
});
