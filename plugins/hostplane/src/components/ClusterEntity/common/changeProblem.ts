import { clusterChangeSchema } from '@hostplane/plugin-hostplane-common';

/** What the server would refuse in a change, by the same schema and messages; none if valid. */
export function changeProblem(change: unknown): string | undefined {
  const result = clusterChangeSchema.safeParse(change);
  return result.success ? undefined : result.error.issues[0]?.message;
}
