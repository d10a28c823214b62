import { useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { ClusterAlertSummary } from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';

/** How often the badges are asked for again while the page is open. */
export const ALERT_SUMMARY_REFRESH_MS = 60_000;

export interface AlertSummaries {
  /** By `hub/cluster`; a cluster not in it has nothing firing. */
  of(hub: string, cluster: string): ClusterAlertSummary | undefined;
  error?: Error;
}

/**
 * What fires on every cluster the user may read, in one request for the whole page however many
 * clusters it lists, asked again every minute. The last answer stays shown when a later one fails.
 */
export function useAlertSummaries(): AlertSummaries {
  const api = useApi(hostplaneApiRef);
  const [summaries, setSummaries] = useState(
    () => new Map<string, ClusterAlertSummary>(),
  );
  const [error, setError] = useState<Error>();
  useEffect(() => {
    let live = true;
    const load = () =>
      Promise.resolve()
        .then(() => api.getAlertSummary())
        .then(
          ({ items }) => {
            if (!live) return;
            setSummaries(new Map(items.map(s => [`${s.hub}/${s.cluster}`, s])));
            setError(undefined);
          },
          (e: Error) => {
            if (live) setError(e);
          },
        );
    load();
    const timer = setInterval(load, ALERT_SUMMARY_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api]);
  return { of: (hub, cluster) => summaries.get(`${hub}/${cluster}`), error };
}
