import { RootConfigService as Config } from '@backstage/backend-plugin-api';
import { LOCAL_HUB_LOGS_URL } from '@hostplane/plugin-hostplane-common';
import { SearchLimits } from './logsQuery';

/** A hub's log store and the bounds of searching it. */
export interface LogStoreSettings extends SearchLimits {
  url: string;
  searchesPerMinute: number;
}

export const DEFAULT_LOG_SEARCH_LIMITS = {
  maxRangeHours: 7 * 24,
  maxLines: 5_000,
  queryTimeoutSeconds: 20,
  searchesPerMinute: 30,
};

/**
 * Each hub's log store from `hostplane.hubs[].logs`; the implicit local hub (no `hostplane.hubs`)
 * uses the VictoriaLogs that `yarn hub start` runs. A hub without one is absent from the map.
 */
export function readLogStores(config: Config): Map<string, LogStoreSettings> {
  const stores = new Map<string, LogStoreSettings>();
  const hubs = config.getOptionalConfigArray('hostplane.hubs');
  if (!hubs) {
    stores.set('local', settings(LOCAL_HUB_LOGS_URL));
    return stores;
  }
  for (const hub of hubs) {
    const logs = hub.getOptionalConfig('logs');
    if (!logs) continue;
    const positive = (key: string, fallback: number) => {
      const value = logs.getOptionalNumber(key) ?? fallback;
      if (!(value > 0)) {
        throw new Error(
          `hostplane.hubs[${hub.getString(
            'name',
          )}].logs.${key} must be above 0, not ${value}`,
        );
      }
      return value;
    };
    stores.set(
      hub.getString('name'),
      settings(logs.getString('url').replace(/\/+$/, ''), {
        maxRangeHours: positive(
          'maxRangeHours',
          DEFAULT_LOG_SEARCH_LIMITS.maxRangeHours,
        ),
        maxLines: positive('maxLines', DEFAULT_LOG_SEARCH_LIMITS.maxLines),
        queryTimeoutSeconds: positive(
          'queryTimeoutSeconds',
          DEFAULT_LOG_SEARCH_LIMITS.queryTimeoutSeconds,
        ),
        searchesPerMinute: positive(
          'searchesPerMinute',
          DEFAULT_LOG_SEARCH_LIMITS.searchesPerMinute,
        ),
      }),
    );
  }
  return stores;
}

function settings(
  url: string,
  limits = DEFAULT_LOG_SEARCH_LIMITS,
): LogStoreSettings {
  return {
    url,
    maxRangeMs: limits.maxRangeHours * 3600_000,
    maxLines: limits.maxLines,
    queryTimeoutMs: limits.queryTimeoutSeconds * 1000,
    searchesPerMinute: limits.searchesPerMinute,
  };
}
