/** The hub a benchmark measures against, started and quiet before anything is timed. */
import { performance } from 'node:perf_hooks';
import { LocalHub, SCALE_HUB, startScaleHub } from '@hostplane/local-hub';
import { log } from './log';
import { cpuSeconds, cpuShareSince } from './measure';
import type { StopLater } from './runBenchmark';

/**
 * Waits until the hub's processes together use less than `maxShare` of a core over 5 s; returns
 * the seconds waited. A restarted scale hub is busy for a minute or more (KWOK takes up every
 * node, pod and Stage again) and a backend started meanwhile measures the hub's restart, not
 * Hostplane: a deployed hub is not restarting whenever the portal starts.
 */
export async function waitForQuietHub(
  hub: LocalHub,
  { maxShare = 0.25, timeoutSeconds = 300 } = {},
): Promise<number> {
  const started = performance.now();
  const pids = hub.processIds();
  for (;;) {
    const before = cpuSeconds(pids);
    await new Promise(resolve => setTimeout(resolve, 5_000));
    const share = cpuShareSince(before, 5);
    const waited = (performance.now() - started) / 1000;
    if (share < maxShare) return waited;
    if (waited > timeoutSeconds) {
      throw new Error(
        `the hub still used ${(share * 100).toFixed(
          0,
        )} % of a core after ${timeoutSeconds} s`,
      );
    }
  }
}

/**
 * The kept hub `name` with at least `count` status-only clusters, seeded on a machine's first run:
 * the scale hub unless told (`--hub`, for a small run that leaves the scale hub alone). It is
 * opened (its binaries found, or built) before it boots, and its stop handed over then:
 * interrupted while it boots or is seeded (minutes), its processes are running already.
 */
export async function startBenchHub(
  { name = SCALE_HUB, count }: { name?: string; count: number },
  stopLater: StopLater,
): Promise<LocalHub> {
  const hub = await LocalHub.open({ name, log });
  stopLater(() => hub.stop());
  return startScaleHub({ name, count, log });
}
