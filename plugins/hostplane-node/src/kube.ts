import https from 'node:https';
import {
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  loadYaml,
} from '@kubernetes/client-node';
import { PooledKubeConfig } from './pooledKubeConfig';

export function loadKubeConfigFromFile(file: string): KubeConfig {
  const kubeConfig = new PooledKubeConfig();
  kubeConfig.loadFromFile(file);
  return kubeConfig;
}

/**
 * Server-side apply under one field manager; safe to repeat. Keep one per hub and writer: the
 * client inside caches API discovery, which would otherwise cost a request per apply.
 *
 * Manifests are in wire form (as in YAML). The client serialises built-in kinds through its typed
 * models, which drop wire-only keys such as `x-kubernetes-int-or-string`, so each manifest is
 * first read into its model the way the client reads YAML.
 */
export class ServerSideApplier {
  private readonly client: KubernetesObjectApi;

  /**
   * `force` takes over fields another manager owns; without it such a conflict is an error that
   * names the other manager, which is what a writer sharing objects with others should see.
   */
  constructor(
    kubeConfig: KubeConfig,
    private readonly fieldManager: string,
    private readonly options: { force: boolean } = { force: true },
  ) {
    this.client = KubernetesObjectApi.makeApiClient(kubeConfig);
  }

  async apply(objects: KubernetesObject[]): Promise<void> {
    for (const object of objects) {
      await this.client.patch(
        loadYaml<KubernetesObject>(JSON.stringify(object)),
        undefined,
        undefined,
        this.fieldManager,
        this.options.force,
        PatchStrategy.ServerSideApply,
      );
    }
  }
}

/** One-off server-side apply; see {@link ServerSideApplier}. */
export async function applyObjects(
  kubeConfig: KubeConfig,
  objects: KubernetesObject[],
  fieldManager: string,
): Promise<void> {
  await new ServerSideApplier(kubeConfig, fieldManager).apply(objects);
}

/** A GET of a raw API server path (health endpoints, discovery), authenticated by the kubeconfig. */
export async function getRaw(
  kubeConfig: KubeConfig,
  path: string,
): Promise<{ status: number; body: string }> {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) {
    throw new Error('The kubeconfig has no current cluster');
  }
  const options: https.RequestOptions = { method: 'GET' };
  await kubeConfig.applyToHTTPSOptions(options);
  if (kubeConfig instanceof PooledKubeConfig) {
    options.agent = kubeConfig.pooledAgent(options.agent);
  }
  return new Promise((resolve, reject) => {
    const request = https.request(new URL(path, server), options, response => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', chunk => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * Polls `probe` until it returns a value other than undefined. The last error or `describe`
 * ends up in the timeout message, so a failing wait says what it was waiting for.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  {
    timeoutMs = 60_000,
    intervalMs = 250,
  }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${reason}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}
