import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { HubDependentUiOptions, chosenHub } from './formHub';

const parts = (version: string) =>
  version
    .replace(/^v/, '')
    .split('.')
    .map(part => Number.parseInt(part, 10) || 0);

/** Kubernetes versions (`v1.37.2`), newest first. */
export function newestFirst(versions: string[]): string[] {
  return [...versions].sort((a, b) => {
    const [pa, pb] = [parts(a), parts(b)];
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const diff = (pb[i] ?? 0) - (pa[i] ?? 0);
      if (diff !== 0) return diff;
    }
    return 0;
  });
}

/**
 * Runs when the user leaves the step: a version the chosen hub does not offer (say, chosen for
 * another hub) keeps them on it. A check that fails does not (the action checks again).
 */
export const validateHubVersion: CustomFieldValidator<
  string,
  HubDependentUiOptions
> = async (value, validation, context) => {
  const hub = chosenHub(context);
  const api = context.apiHolder.get(hostplaneApiRef);
  if (!value || !hub || !api) return;
  const offered = await api.listHubVersions(hub).then(
    response => response.versions.map(v => v.version),
    () => undefined,
  );
  if (offered && !offered.includes(value)) {
    validation.addError(
      `version ${value} is not offered by hub '${hub}' (offered: ${newestFirst(
        offered,
      ).join(', ')})`,
    );
  }
};
