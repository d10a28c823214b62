import { HubStatus } from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  HubDefinition,
  getRaw,
} from '@hostplane/plugin-hostplane-node';
import { capabilitiesOf } from './capabilities';

/**
 * Reports whether each hub answers and serves the APIs its provider needs, and what the provider
 * supports. Failures are values in the result (one hub down does not hide the others), never
 * thrown.
 */
export class HubStatusChecker {
  constructor(
    private readonly hubs: HubDefinition[],
    private readonly providers: Map<string, HostedControlPlaneProvider>,
  ) {}

  names(): string[] {
    return this.hubs.map(h => h.name);
  }

  async checkAll(): Promise<HubStatus[]> {
    return Promise.all(this.hubs.map(hub => this.check(hub)));
  }

  private async check(hub: HubDefinition): Promise<HubStatus> {
    const provider = this.providers.get(hub.provider)!;
    const capabilities = capabilitiesOf(provider);
    let server = '';
    try {
      const kubeConfig = hub.kubeConfig();
      server = kubeConfig.getCurrentCluster()?.server ?? '';
      const version = await getRaw(kubeConfig, '/version');
      if (version.status !== 200) {
        throw new Error(`GET /version answered ${version.status}`);
      }
      const missingApis: string[] = [];
      for (const api of provider.requiredHubApis) {
        if (!(await servesResource(kubeConfig, api.group, api.resource))) {
          missingApis.push(`${api.resource}.${api.group}`);
        }
      }
      return {
        name: hub.name,
        capabilities,
        server,
        reachable: true,
        kubernetesVersion: JSON.parse(version.body).gitVersion,
        missingApis,
      };
    } catch (error) {
      return {
        name: hub.name,
        capabilities,
        server,
        reachable: false,
        missingApis: [],
        error: (error as Error).message,
      };
    }
  }
}

async function servesResource(
  kubeConfig: ReturnType<HubDefinition['kubeConfig']>,
  group: string,
  resource: string,
): Promise<boolean> {
  const groupInfo = await getRaw(kubeConfig, `/apis/${group}`);
  if (groupInfo.status === 404) {
    return false;
  }
  const version = JSON.parse(groupInfo.body).preferredVersion?.groupVersion;
  const resources = await getRaw(kubeConfig, `/apis/${version}`);
  return (JSON.parse(resources.body).resources ?? []).some(
    (r: { name: string }) => r.name === resource,
  );
}
