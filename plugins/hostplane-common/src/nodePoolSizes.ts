/**
 * Machine sizes offered for node pools by name, so that forms can offer a choice instead of three
 * numbers. Each is within the limits of `nodePoolSpecSchema`; `custom` means the numbers are given.
 */
export const NODE_POOL_SIZES = {
  small: { vcpu: 2, memoryGiB: 8, diskGiB: 40 },
  medium: { vcpu: 4, memoryGiB: 16, diskGiB: 64 },
  large: { vcpu: 8, memoryGiB: 32, diskGiB: 128 },
} as const;

export type NodePoolSizeName = keyof typeof NODE_POOL_SIZES;

export function isNodePoolSizeName(size: unknown): size is NodePoolSizeName {
  return typeof size === 'string' && Object.hasOwn(NODE_POOL_SIZES, size);
}
