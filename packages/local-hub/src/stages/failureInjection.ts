/**
 * Failure injection for tests and demos, in the style of `killComponent` for the control plane:
 * a NodePool annotated with one of these fails the way its upstream counterpart would, and is
 * reported with the conditions HyperShift would write. Removing the annotation heals it.
 *
 * - `vm-boot`: every VM of the pool fails to boot (KubeVirt's CrashLoopBackOff), so no machine
 *   is available and no node of the pool joins the tenant.
 * - `stall`: the pool stops converging: no machine is created or removed, and while it has
 *   fewer machines than it asks for it is not Ready.
 *
 * The KWOK Stages honour it for the pools whose status they write; the stand-in operator makes
 * the VMs of a real tenant's pool fail (or stop changing) to match.
 */
export const INJECT_FAILURE_ANNOTATION = 'hostplane.io/inject-failure';

export const VM_BOOT_FAILURE = 'vm-boot';
export const NODE_POOL_STALL = 'stall';

export type InjectedFailure = typeof VM_BOOT_FAILURE | typeof NODE_POOL_STALL;

/** The failure injected into an object, if it names one this module knows. */
export function injectedFailure(
  annotations: Record<string, string> | undefined,
): InjectedFailure | undefined {
  const value = annotations?.[INJECT_FAILURE_ANNOTATION];
  return value === VM_BOOT_FAILURE || value === NODE_POOL_STALL
    ? value
    : undefined;
}

/** CEL: the object carries this injected failure. */
export function isInjected(failure: InjectedFailure): string {
  return `(has(self.metadata.annotations) && '${INJECT_FAILURE_ANNOTATION}' in self.metadata.annotations && self.metadata.annotations['${INJECT_FAILURE_ANNOTATION}'] == '${failure}')`;
}
