/**
 * How far a streamed copy has got (an etcd snapshot into the backup store, a backup into a
 * restore). The step that copies writes it into its progress message with `describeTransfer`, and
 * the portal reads it back with `readTransfer`, so that the two agree on one wording.
 */
export interface TransferProgress {
  bytes: number;
  /** When the size is known beforehand (etcd reports its database size, a backup its own). */
  totalBytes?: number;
  bytesPerSecond: number;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** A byte count in binary units, one decimal above bytes: `512 B`, `1.5 MiB`. */
export function formatByteSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0
    ? `${Math.round(value)} B`
    : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** `12.5 MiB of 40.0 MiB at 8.2 MiB/s`, or without `of …` when the size is not known. */
export function describeTransfer(progress: TransferProgress): string {
  const total =
    progress.totalBytes === undefined
      ? ''
      : ` of ${formatByteSize(progress.totalBytes)}`;
  return `${formatByteSize(progress.bytes)}${total} at ${formatByteSize(
    progress.bytesPerSecond,
  )}/s`;
}

const SIZE = `(\\d+(?:\\.\\d+)?) (${UNITS.join('|')})`;
const TRANSFER = new RegExp(`${SIZE}(?: of ${SIZE})? at ${SIZE}/s`);

function bytesOf(value: string, unit: string): number {
  return Number(value) * 1024 ** UNITS.indexOf(unit as (typeof UNITS)[number]);
}

/** The transfer a progress message describes (anywhere in it), to the precision it was written. */
export function readTransfer(
  message: string | undefined,
): TransferProgress | undefined {
  const match = message ? TRANSFER.exec(message) : null;
  if (!match) return undefined;
  const [, bytes, bytesUnit, total, totalUnit, rate, rateUnit] = match;
  return {
    bytes: bytesOf(bytes, bytesUnit),
    ...(total ? { totalBytes: bytesOf(total, totalUnit) } : {}),
    bytesPerSecond: bytesOf(rate, rateUnit),
  };
}
