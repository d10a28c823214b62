import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { clusterSpecSchema } from '@hostplane/plugin-hostplane-common';
import {
  HostplaneApi,
  hostplaneApiRef,
} from '@hostplane/plugin-hostplane-react';
import { reasonOf, refusedWith } from './apiErrors';
import { HubDependentUiOptions, chosenHub } from './formHub';

/**
 * What is wrong with a cluster name's format, in the API's words (the `name` rule of
 * `clusterSpecSchema`: a DNS-1123 label of at most `MAX_CLUSTER_NAME_LENGTH` characters).
 */
export function clusterNameFormatError(name: string): string | undefined {
  const parsed = clusterSpecSchema.shape.name.safeParse(name);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

export type NameAvailability =
  | { state: 'free' }
  | { state: 'taken'; message: string }
  /** The check itself failed; the name may or may not be free. */
  | { state: 'unknown'; message: string };

/** Whether a cluster of that name exists on the hub: `GET /clusters/:hub/:name` answering 404 means free. */
export async function checkClusterName(
  api: Pick<HostplaneApi, 'getCluster'>,
  hub: string,
  name: string,
): Promise<NameAvailability> {
  const taken = (whose: string) => ({
    state: 'taken' as const,
    message: `A cluster named '${name}' already exists on hub '${hub}' (${whose})`,
  });
  try {
    const cluster = await api.getCluster(hub, name);
    return taken(`owner ${cluster.owner}`);
  } catch (error) {
    const status = refusedWith(error);
    if (status === 404) return { state: 'free' };
    // The API answers 403 only for a cluster that exists.
    if (status === 403) return taken('you may not see it');
    return {
      state: 'unknown',
      message: `Could not check whether '${name}' is free on hub '${hub}': ${reasonOf(
        error,
      )}`,
    };
  }
}

/**
 * Runs when the user leaves the step: a name of the wrong format, or one taken on the chosen
 * hub, keeps them on it. A check that fails does not (the action checks again).
 */
export const validateClusterName: CustomFieldValidator<
  string,
  HubDependentUiOptions
> = async (value, validation, context) => {
  if (!value) return; // `required` is the schema's business.
  const formatError = clusterNameFormatError(value);
  if (formatError) {
    validation.addError(formatError);
    return;
  }
  const hub = chosenHub(context);
  const api = context.apiHolder.get(hostplaneApiRef);
  if (!hub || !api) return;
  const availability = await checkClusterName(api, hub, value);
  if (availability.state === 'taken') {
    validation.addError(availability.message);
  }
};
