import os from 'node:os';
import path from 'node:path';
import { Config } from '@backstage/config';
import {
  VERSION_PATTERN,
  compareVersions,
} from '@hostplane/plugin-hostplane-common';
import { KubeConfig } from '@kubernetes/client-node';
import { PooledKubeConfig } from './pooledKubeConfig';
import { OfferedRelease } from './provider';

/** A hub as configured: a name and how to reach its API server. */
export interface HubDefinition {
  name: string;
  /**
   * Loads the hub's credentials. Lazy, so that a hub whose kubeconfig is not there yet (the local
   * hub before it first starts) is reported as unreachable instead of stopping the backend.
   */
  kubeConfig(): KubeConfig;
  /** The hosted-control-plane provider that runs this hub's clusters. */
  provider: string;
  /** Releases offered for new clusters and upgrades, oldest first. */
  releases: OfferedRelease[];
}

export const DEFAULT_PROVIDER = 'hypershift-kubevirt';

/**
 * What the local hub offers: its stand-in runs any of these; the registry name is nominal. The
 * implicit local hub (no `hostplane.hubs`) offers them; a configuration that lists the local hub
 * names them itself.
 */
export const LOCAL_HUB_RELEASES: OfferedRelease[] = [
  'v1.35.6',
  'v1.36.4',
  'v1.37.2',
].map(version => ({
  version,
  image: `registry.hostplane.local/kubernetes-release:${version}`,
}));

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
        provider: DEFAULT_PROVIDER,
        releases: LOCAL_HUB_RELEASES,
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
    const provider = hub.getOptionalString('provider') ?? DEFAULT_PROVIDER;
    const releases = readReleases(hub, name);
    if (hub.getOptionalBoolean('inCluster')) {
      return {
        name,
        provider,
        releases,
        kubeConfig: once(() => {
          const kubeConfig = new PooledKubeConfig();
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
      provider,
      releases,
      kubeConfig: once(() => loadKubeConfigFile(file, context, name)),
    };
  });
}

function readReleases(hub: Config, hubName: string): OfferedRelease[] {
  // Release images differ from hub to hub: a configured hub that offered the local hub's would
  // create clusters that never start.
  const entries = hub.getOptionalConfigArray('releases');
  if (!entries || entries.length === 0) {
    throw new Error(
      `hostplane.hubs: hub '${hubName}' has no 'releases': list the versions it offers and their release images (hostplane.hubs[].releases)`,
    );
  }
  const releases = entries.map(entry => ({
    version: entry.getString('version'),
    image: entry.getString('image'),
  }));
  for (const { version } of releases) {
    if (!VERSION_PATTERN.test(version)) {
      throw new Error(
        `hostplane.hubs: hub '${hubName}' offers '${version}', which is not a version like v1.37.2`,
      );
    }
  }
  return releases.sort((a, b) => compareVersions(a.version, b.version));
}

function loadKubeConfigFile(
  file: string,
  context: string | undefined,
  hubName: string,
): KubeConfig {
  const kubeConfig = new PooledKubeConfig();
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
