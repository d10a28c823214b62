/** Waits after each miss: at once first, then half a second, doubling up to this. */
const MAX_DELAY_MS = 30_000;

/** The loop `listUntilComplete` runs. */
export interface ListingLoop {
  /**
   * Lists at once instead of at the next attempt (a hub was just listed in full): the mirror's
   * wait for a hub is then the hub's own listing, not the loop's growing delay. Nothing once
   * complete or stopped.
   */
  listNow(): void;
  stop(): void;
}

/**
 * Runs `list` (the mirror's full list of clusters from the Hostplane API) until it succeeds with
 * every hub listed in full, waiting longer after each miss, or at once when told; returns the loop.
 *
 * The clusters a hub's first listing finds are its starting state and are never announced as cluster
 * events: a mirror whose list came before a hub was listed in full would otherwise miss that hub's
 * clusters until its next periodic refresh.
 */
export function listUntilComplete(options: {
  list: () => Promise<{ incompleteHubs: string[] }>;
  /** Why this attempt did not complete (the list failed, or named hubs were not listed yet). */
  onMiss: (reason: string) => void;
}): ListingLoop {
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  let running = false;
  /** Asked for while an attempt ran: the next one goes at once. */
  let wanted = false;
  let delayMs = 0;
  async function attempt() {
    running = true;
    wanted = false;
    try {
      const { incompleteHubs } = await options.list();
      if (incompleteHubs.length === 0) done = true;
      else {
        options.onMiss(
          `hubs not listed in full yet: ${incompleteHubs.join(', ')}`,
        );
      }
    } catch (error) {
      options.onMiss((error as Error).message);
    }
    running = false;
    delayMs = Math.min(Math.max(delayMs * 2, 500), MAX_DELAY_MS);
    schedule(wanted ? 0 : delayMs);
  }
  function schedule(afterMs: number) {
    if (done) return;
    timer = setTimeout(() => void attempt(), afterMs);
  }
  schedule(0);
  return {
    listNow() {
      if (done) return;
      if (running) {
        wanted = true;
        return;
      }
      clearTimeout(timer);
      schedule(0);
    },
    stop() {
      done = true;
      clearTimeout(timer);
    },
  };
}
