import { createTemplateFilter } from '@backstage/plugin-scaffolder-node/alpha';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const given = (value: unknown) =>
  typeof value === 'string' ? value.trim() || undefined : value ?? undefined;

/**
 * The optional "restore from backup" part of a form, `{ cluster?, backupId? }` of the new
 * cluster's hub, turned into the `restoreFrom` input of `hostplane:cluster:create`: undefined when
 * neither is given (the field is then left out and the cluster starts empty), else
 * `{ hub, cluster, backupId }` as given. Nothing is checked here: the action's own validation
 * reports a half-filled or malformed value with the API's message and the field's path.
 */
export function restoreFromForm(
  form: unknown,
  hub: unknown,
): { hub: unknown; cluster: unknown; backupId: unknown } | undefined {
  if (!isRecord(form)) return undefined;
  const cluster = given(form.cluster);
  const backupId = given(form.backupId);
  if (cluster === undefined && backupId === undefined) return undefined;
  return { hub, cluster, backupId };
}

/** `${{ parameters.restoreFrom | hostplaneRestoreFrom(parameters.hub) }}`: see `restoreFromForm`. */
export const hostplaneRestoreFromFilter = createTemplateFilter({
  id: 'hostplaneRestoreFrom',
  description:
    'Turns an optional form section { cluster, backupId } into the restoreFrom input of hostplane:cluster:create, on the hub given as the argument; nothing (the field left out) when neither is filled in.',
  schema: z =>
    z
      .function()
      .args(
        z
          .object({
            cluster: z.string().optional(),
            backupId: z.string().optional(),
          })
          .optional()
          .describe('The restore section as the form collected it'),
        z.string().describe('The hub of the new cluster and of the backup'),
      )
      .returns(
        z
          .object({
            hub: z.string(),
            cluster: z.string(),
            backupId: z.string(),
          })
          .optional()
          .describe('The restoreFrom input of hostplane:cluster:create'),
      ),
  examples: [
    {
      description: 'A cluster restored from a backup of payments-prod',
      example: `- id: cluster
  action: hostplane:cluster:create
  input:
    restoreFrom: \${{ parameters.restoreFrom | hostplaneRestoreFrom(parameters.hub) }}`,
      notes: `- **Input**: \`{ cluster: 'payments-prod', backupId: '20261208T101500Z-a1b2c3' }\`, \`'local'\`
- **Output**: \`{ hub: 'local', cluster: 'payments-prod', backupId: '20261208T101500Z-a1b2c3' }\`; with neither filled in, nothing`,
    },
  ],
  filter: (form, hub) => restoreFromForm(form, hub) as any,
});
