/** Waits after each miss: at once first, then half a second, doubling up to this. */
const MAX_DELAY_MS = 30_000;

/**
 * Runs `list` (a consumer's full list of clusters from the Hostplane API) until it succeeds with
 * every hub listed in full, waiting longer after each miss; returns how to stop.
 *
 * The clusters a hub's first listing finds are its starting state and are never announced as cluster
 * events: a consumer whose list came before a hub was listed in full would
 * otherwise miss that hub's clusters until its next periodic refresh.
 */
export function listUntilComplete(options: {
  list: () => Promise<{ incompleteHubs: string[] }>;
  /** Why this attempt did not complete (the list failed, or named hubs were not listed yet). */
  onMiss: (reason: string) => void;
}): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = (delayMs: number) => {
    timer = setTimeout(async () => {
      const next = Math.min(Math.max(delayMs * 2, 500), MAX_DELAY_MS);
      try {
        const { incompleteHubs } = await options.list();
        if (incompleteHubs.length === 0) return;
        options.onMiss(
          `hubs not listed in full yet: ${incompleteHubs.join(', ')}`,
        );
      } catch (error) {
        options.onMiss((error as Error).message);
      }
      if (!stopped) attempt(next);
    }, delayMs);
  };
  attempt(0);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
