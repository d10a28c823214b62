import { ServiceUnavailableError } from '@backstage/errors';
import { METRIC_LABELS } from '@hostplane/plugin-hostplane-common';

/** What Alertmanager's API v2 says of one alert now. */
export interface AlertmanagerAlertStatus {
  fingerprint: string;
  status: { state: string; silencedBy: string[] };
}

const TIMEOUT_MS = 10_000;

/** Alertmanager's API v2, for one hub's Alertmanager. */
export class AlertmanagerClient {
  constructor(private readonly url: string) {}

  /** The cluster's alerts as Alertmanager holds them (silenced ones included). */
  async clusterAlerts(
    hub: string,
    cluster: string,
  ): Promise<AlertmanagerAlertStatus[]> {
    const params = new URLSearchParams();
    params.append('filter', `${METRIC_LABELS.hub}=${JSON.stringify(hub)}`);
    params.append(
      'filter',
      `${METRIC_LABELS.cluster}=${JSON.stringify(cluster)}`,
    );
    return this.call('GET', `/api/v2/alerts?${params}`);
  }

  /** Every alert of the hub's clusters as Alertmanager holds them (silenced ones included). */
  async hubAlerts(hub: string): Promise<AlertmanagerAlertStatus[]> {
    const params = new URLSearchParams();
    params.append('filter', `${METRIC_LABELS.hub}=${JSON.stringify(hub)}`);
    return this.call('GET', `/api/v2/alerts?${params}`);
  }

  /** Creates a silence of exactly these labels; answers its id. */
  async silence(options: {
    labels: Record<string, string>;
    endsAt: Date;
    createdBy: string;
    comment: string;
  }): Promise<string> {
    const body = await this.call('POST', '/api/v2/silences', {
      matchers: Object.entries(options.labels).map(([name, value]) => ({
        name,
        value,
        isRegex: false,
        isEqual: true,
      })),
      startsAt: new Date().toISOString(),
      endsAt: options.endsAt.toISOString(),
      createdBy: options.createdBy,
      comment: options.comment,
    });
    return body.silenceID;
  }

  private async call(method: string, route: string, body?: unknown) {
    let response: Response;
    try {
      response = await fetch(new URL(route, this.url), {
        method,
        ...(body
          ? {
              headers: { 'Content-Type': 'application/json' },
              body: JSON.stringify(body),
            }
          : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new ServiceUnavailableError(
        `Alertmanager did not answer: ${
          (error as { cause?: Error }).cause?.message ??
          (error as Error).message
        }; try again shortly`,
      );
    }
    if (!response.ok) {
      throw new ServiceUnavailableError(
        `Alertmanager answered ${response.status}: ${(
          await response.text()
        ).slice(0, 300)}`,
      );
    }
    return response.json();
  }
}
