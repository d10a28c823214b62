/** An in-place restore asked for on a HostedCluster (`ETCD_RESTORE_REQUEST_ANNOTATION`). */
export interface RestoreRequest {
  id: string;
  /** Where the snapshot is downloaded from; signed and short-lived, so never logged or kept. */
  url: string;
}

/** The annotation's value, or why it is not a request. */
export function parseRestoreRequest(
  value: string | undefined,
): RestoreRequest | { invalid: string } | undefined {
  if (value === undefined || value === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { invalid: 'the restore request is not JSON' };
  }
  const { id, url } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') {
    return { invalid: 'the restore request has no id' };
  }
  if (typeof url !== 'string' || url === '') {
    return { invalid: `restore request ${id} has no url` };
  }
  return { id, url };
}

/**
 * The phases of an in-place restore once the snapshot is downloaded, checked and restored into a
 * staging folder beside each member's data (the tenant untouched until then), in order. The
 * marker file names the phase to run next: each phase can run again after an interruption.
 * - `stop`: the tenant's API server and etcd members stop.
 * - `swap`: each member's data is set aside and the restored data takes its place.
 * - `start`: the tenant starts and is waited for (every member healthy, the API server ready).
 * - `confirm`: the HostedCluster says the request is done (`ETCD_RESTORED_ANNOTATION`).
 * - `clean`: the set-aside data, the snapshot and the marker go.
 */
export const IN_PLACE_RESTORE_PHASES = [
  'stop',
  'swap',
  'start',
  'confirm',
  'clean',
] as const;
export type InPlaceRestorePhase = (typeof IN_PLACE_RESTORE_PHASES)[number];

/** What the marker file of a tenant's in-place restore holds. */
export interface InPlaceRestoreMarker {
  id: string;
  phase: InPlaceRestorePhase;
  snapshotRevision: number;
  bumpRevision: number;
}

/** The phase after this one; undefined after the last. */
export function phaseAfter(
  phase: InPlaceRestorePhase,
): InPlaceRestorePhase | undefined {
  return IN_PLACE_RESTORE_PHASES[IN_PLACE_RESTORE_PHASES.indexOf(phase) + 1];
}

/** Whether a phase comes before the tenant's data is whole again (it must not start before). */
export function dataInFlux(phase: InPlaceRestorePhase): boolean {
  return phase === 'stop' || phase === 'swap';
}

export type InPlaceRestoreAction =
  | { kind: 'none' }
  /** A new request: download, check and stage it, with the tenant untouched. */
  | { kind: 'begin'; request: RestoreRequest }
  /** A restore under way (this request's or an earlier one's): run it on from its phase. */
  | { kind: 'resume'; marker: InPlaceRestoreMarker }
  | { kind: 'refuse'; reason: string };

/**
 * What to do for a tenant's etcd given the HostedCluster's request, the request it answered last
 * and the marker of a restore under way. A restore under way is finished before a newer request
 * is looked at.
 */
export function inPlaceRestoreAction(input: {
  request: ReturnType<typeof parseRestoreRequest>;
  restored: string | undefined;
  marker: InPlaceRestoreMarker | undefined;
}): InPlaceRestoreAction {
  if (input.marker) return { kind: 'resume', marker: input.marker };
  const request = input.request;
  if (!request) return { kind: 'none' };
  if ('invalid' in request) return { kind: 'refuse', reason: request.invalid };
  if (request.id === input.restored) return { kind: 'none' };
  return { kind: 'begin', request };
}
