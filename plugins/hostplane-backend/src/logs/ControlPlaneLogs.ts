import http from 'node:http';
import https from 'node:https';
import { IncomingMessage } from 'node:http';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  ClusterStatus,
  LiveLogQuery,
  LogPod,
} from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  HubDefinition,
} from '@hostplane/plugin-hostplane-node';
import { CoreV1Api } from '@kubernetes/client-node';

/**
 * A cluster's control-plane logs as its hub serves them: the pods of its control-plane namespace
 * and their containers' logs through the hub's `pods/log` API. The control-plane namespace is the
 * one the provider keeps the tenant's root CA in (HyperShift's `<namespace>-<name>`).
 */
export class ControlPlaneLogs {
  constructor(
    private readonly hubs: HubDefinition[],
    private readonly providers: Map<string, HostedControlPlaneProvider>,
  ) {}

  /** The hub namespace the cluster's control-plane pods run in. */
  controlPlaneNamespace(cluster: ClusterStatus): string {
    return this.providerOf(cluster).credentialRefs(cluster).rootCa.namespace;
  }

  /** Every control-plane container, by component then pod. */
  async pods(cluster: ClusterStatus): Promise<LogPod[]> {
    const core = this.hubOf(cluster).kubeConfig().makeApiClient(CoreV1Api);
    const { items } = await core.listNamespacedPod({
      namespace: this.controlPlaneNamespace(cluster),
    });
    return items
      .flatMap(pod =>
        (pod.spec?.containers ?? []).map(container => ({
          component: container.name,
          pod: pod.metadata!.name!,
          phase: pod.status?.phase ?? 'Unknown',
          restarts:
            pod.status?.containerStatuses?.find(s => s.name === container.name)
              ?.restartCount ?? 0,
        })),
      )
      .sort(
        (a, b) =>
          a.component.localeCompare(b.component) || a.pod.localeCompare(b.pod),
      );
  }

  /**
   * Opens a container's log on the hub, with timestamps. A pod or container that is not there is
   * a 404, a log the API server refuses (no previous container) a 400 with its reason.
   */
  async open(
    cluster: ClusterStatus,
    query: LiveLogQuery,
  ): Promise<IncomingMessage> {
    const kubeConfig = this.hubOf(cluster).kubeConfig();
    const server = kubeConfig.getCurrentCluster()?.server;
    if (!server) {
      throw new ServiceUnavailableError(
        `Hub '${cluster.hub}' has no API server in its kubeconfig`,
      );
    }
    const namespace = this.controlPlaneNamespace(cluster);
    const url = new URL(
      `/api/v1/namespaces/${encodeURIComponent(
        namespace,
      )}/pods/${encodeURIComponent(query.pod)}/log`,
      server,
    );
    url.searchParams.set('container', query.component);
    url.searchParams.set('timestamps', 'true');
    url.searchParams.set('follow', String(query.follow));
    if (query.previous) url.searchParams.set('previous', 'true');
    if (query.sinceSeconds !== undefined) {
      url.searchParams.set('sinceSeconds', String(query.sinceSeconds));
    }
    if (query.tailLines !== undefined) {
      url.searchParams.set('tailLines', String(query.tailLines));
    }
    // Its own connection, not the hub's pooled ones: a followed log holds it for as long as the
    // reader stays, idle for minutes at a time.
    const options: https.RequestOptions = { method: 'GET' };
    await kubeConfig.applyToHTTPSOptions(options);
    const transport = url.protocol === 'http:' ? http : https;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = transport.request(url, options, resolve);
      request.on('error', error =>
        reject(
          new ServiceUnavailableError(
            `Hub '${cluster.hub}' did not answer for the log: ${error.message}`,
          ),
        ),
      );
      request.end();
    });
    if (response.statusCode === 200) return response;
    const message = await statusMessage(response);
    const what = `${query.component} in pod '${query.pod}' of cluster '${cluster.name}'`;
    if (response.statusCode === 404) {
      throw new NotFoundError(`No log of ${what}: ${message}`);
    }
    if (response.statusCode === 400) {
      throw new InputError(`The hub refused the log of ${what}: ${message}`);
    }
    throw new ServiceUnavailableError(
      `Hub '${cluster.hub}' answered ${response.statusCode} for the log of ${what}: ${message}`,
    );
  }

  private hubOf(cluster: ClusterStatus): HubDefinition {
    const hub = this.hubs.find(h => h.name === cluster.hub);
    if (!hub) throw new NotFoundError(`There is no hub '${cluster.hub}'`);
    return hub;
  }

  private providerOf(cluster: ClusterStatus): HostedControlPlaneProvider {
    return this.providers.get(this.hubOf(cluster).provider)!;
  }
}

/** The message of a Kubernetes Status body, or the start of whatever the body is. */
async function statusMessage(response: IncomingMessage): Promise<string> {
  let body = '';
  response.setEncoding('utf8');
  for await (const chunk of response) {
    body += chunk;
    if (body.length > 4096) break;
  }
  response.destroy();
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body.slice(0, 300);
  }
}
