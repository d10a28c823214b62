import os from 'node:os';
import path from 'node:path';
import { Config } from '@backstage/config';
import { KubeConfig } from '@kubernetes/client-node';

/** A hub as configured: a name and how to reach its API server. */
export interface HubDefinition {
  name: string;
  /**
   * Loads the hub's credentials. Lazy, so that a hub whose kubeconfig is not there yet (the local
   * hub before it first starts) is reported as unreachable instead of stopping the backend.
   */
  kubeConfig(): KubeConfig;
}

const HUB_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Where the local hub (packages/local-hub) writes its kubeconfig. */
export function localHubKubeconfigPath(): string {
  const cache =
    process.env.HOSTPLANE_CACHE ??
    path.join(os.homedir(), '.cache', 'hostplane');
  return path.join(cache, 'hubs', 'clusters', 'hub', 'kubeconfig.yaml');
}

/** Reads `hostplane.hubs`; names and the shape of each entry are checked at start-up. */
export function readHubDefinitions(config: Config): HubDefinition[] {
  const hubs = config.getOptionalConfigArray('hostplane.hubs');
  if (!hubs) {
    return [
      {
        name: 'local',
        kubeConfig: once(() =>
          loadKubeConfigFile(localHubKubeconfigPath(), undefined, 'local'),
        ),
      },
    ];
  }
  const seen = new Set<string>();
  return hubs.map(hub => {
    const name = hub.getString('name');
    if (!HUB_NAME.test(name)) {
      throw new Error(
        `hostplane.hubs: '${name}' is not a valid hub name (lower-case DNS-1123 label)`,
      );
    }
    if (seen.has(name)) {
      throw new Error(`hostplane.hubs: the hub name '${name}' is used twice`);
    }
    seen.add(name);
    if (hub.getOptionalBoolean('inCluster')) {
      return {
        name,
        kubeConfig: once(() => {
          const kubeConfig = new KubeConfig();
          kubeConfig.loadFromCluster();
          return kubeConfig;
        }),
      };
    }
    const file = hub.getOptionalString('kubeconfig');
    if (!file) {
      throw new Error(
        `hostplane.hubs: hub '${name}' needs either 'kubeconfig' or 'inCluster: true'`,
      );
    }
    const context = hub.getOptionalString('context');
    return {
      name,
      kubeConfig: once(() => loadKubeConfigFile(file, context, name)),
    };
  });
}

function loadKubeConfigFile(
  file: string,
  context: string | undefined,
  hubName: string,
): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(file);
  } catch (error) {
    throw new Error(
      `hub '${hubName}': cannot read kubeconfig ${file}: ${
        (error as Error).message
      }`,
    );
  }
  if (context) {
    if (!kubeConfig.getContextObject(context)) {
      throw new Error(
        `hub '${hubName}': kubeconfig ${file} has no context '${context}'`,
      );
    }
    kubeConfig.setCurrentContext(context);
  }
  return kubeConfig;
}

/** Memoises a successful load; a failed one is retried on the next call. */
function once<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => {
    if (value === undefined) {
      value = load();
    }
    return value;
  };
}
