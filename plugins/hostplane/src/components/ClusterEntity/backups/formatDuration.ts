/** A length of time as people say it: `850 ms`, `12.4 s`, `3 min 5 s`, `2 h 10 min`, `3 days`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1_000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

/**
 * How far `iso` is from `now`, coarsely: `5 min ago`, `in 2 h 10 min`, `just now`. Undefined for
 * a missing or unreadable time.
 */
export function relativeTime(
  iso: string | undefined,
  now: number = Date.now(),
): string | undefined {
  if (!iso) return undefined;
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return undefined;
  const distance = at - now;
  if (Math.abs(distance) < 60_000) return distance < 0 ? 'just now' : 'now';
  // Whole minutes: seconds are noise in an age.
  const coarse = formatDuration(
    Math.floor(Math.abs(distance) / 60_000) * 60_000,
  )
    .replace(/ 0 s$/, '')
    .replace(/ 0 min$/, '');
  return distance < 0 ? `${coarse} ago` : `in ${coarse}`;
}
