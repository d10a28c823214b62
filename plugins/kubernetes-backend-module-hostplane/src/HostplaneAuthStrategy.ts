import {
  AuthMetadata,
  AuthenticationStrategy,
  ClusterDetails,
  KubernetesCredential,
} from '@backstage/plugin-kubernetes-node';
import {
  CLUSTER_AUTH_METADATA,
  CREDENTIALS_EPOCH_AUTH_METADATA,
  HUB_AUTH_METADATA,
} from '@hostplane/plugin-hostplane-common';
import { HostplaneApiClient } from '@hostplane/plugin-hostplane-node';

/** The auth strategy's name: the `kubernetes.io/auth-provider` of every Hostplane cluster. */
export const HOSTPLANE_AUTH_PROVIDER = 'hostplane';

interface Issued {
  epoch: string;
  cert: string;
  key: string;
  caData: string;
  expiresAt: number;
  /** When to ask for the next one. */
  renewAt: number;
}

export interface HostplaneAuthStrategyOptions {
  api: Pick<HostplaneApiClient, 'issueServiceCredential'>;
  /** The part of a credential's lifetime after which it is renewed (0.8: 48 of 60 minutes). */
  renewAfter?: number;
  now?: () => number;
}

/**
 * The `hostplane` auth strategy: an x509 client certificate per tenant, issued by the Hostplane
 * backend to this plugin (read-only inside the tenant), kept in memory and reused until most of
 * its lifetime has passed. Requests for the same tenant while one is being issued share it. The
 * tenant's CA comes with the certificate; {@link caDataFor} hands it to the cluster details.
 */
export class HostplaneAuthStrategy implements AuthenticationStrategy {
  private readonly issued = new Map<string, Issued>();
  private readonly inflight = new Map<string, Promise<Issued>>();
  private readonly renewAfter: number;
  private readonly now: () => number;

  constructor(private readonly options: HostplaneAuthStrategyOptions) {
    this.renewAfter = options.renewAfter ?? 0.8;
    this.now = options.now ?? Date.now;
  }

  async getCredential(
    clusterDetails: ClusterDetails,
  ): Promise<KubernetesCredential> {
    const { hub, cluster, epoch } = tenantOf(clusterDetails.authMetadata);
    const key = `${hub}/${cluster}`;
    const current = this.current(key, epoch);
    if (current && this.now() < current.renewAt) {
      return credentialOf(current);
    }
    try {
      return credentialOf(await this.issue(hub, cluster, epoch));
    } catch (error) {
      // A renewal that fails leaves the certificate in hand, as long as it is still valid.
      if (current && this.now() < current.expiresAt - 30_000) {
        return credentialOf(current);
      }
      throw error;
    }
  }

  /**
   * Base64 PEM of the CA that signed the tenant API server's certificate, once a credential has
   * been issued for this incarnation of the tenant.
   */
  caDataFor(authMetadata: AuthMetadata): string | undefined {
    const { hub, cluster, epoch } = tenantOf(authMetadata);
    return this.current(`${hub}/${cluster}`, epoch)?.caData;
  }

  validateCluster(authMetadata: AuthMetadata): Error[] {
    return [HUB_AUTH_METADATA, CLUSTER_AUTH_METADATA]
      .filter(key => !authMetadata[key])
      .map(
        key =>
          new Error(`A Hostplane cluster needs '${key}' in its authMetadata`),
      );
  }

  /** Nothing of the tenant's credentials goes to the browser. */
  presentAuthMetadata(_authMetadata: AuthMetadata): AuthMetadata {
    return {};
  }

  private current(key: string, epoch: string): Issued | undefined {
    const issued = this.issued.get(key);
    if (issued && issued.epoch !== epoch) {
      // The tenant was created again or rotated its credentials: that certificate is worthless.
      this.issued.delete(key);
      return undefined;
    }
    return issued;
  }

  private issue(hub: string, cluster: string, epoch: string): Promise<Issued> {
    const key = `${hub}/${cluster}`;
    const flight = `${key}@${epoch}`;
    let pending = this.inflight.get(flight);
    if (!pending) {
      pending = this.options.api
        .issueServiceCredential(hub, cluster)
        .then(answer => {
          const received = this.now();
          const expiresAt = Date.parse(answer.expiresAt);
          const issued: Issued = {
            epoch,
            cert: answer.cert,
            key: answer.key,
            caData: answer.caData,
            expiresAt,
            renewAt:
              received + Math.max(0, expiresAt - received) * this.renewAfter,
          };
          this.issued.set(key, issued);
          return issued;
        })
        .finally(() => this.inflight.delete(flight));
      this.inflight.set(flight, pending);
    }
    return pending;
  }
}

function tenantOf(authMetadata: AuthMetadata) {
  const hub = authMetadata[HUB_AUTH_METADATA];
  const cluster = authMetadata[CLUSTER_AUTH_METADATA];
  if (!hub || !cluster) {
    throw new Error(
      `Not a Hostplane cluster: '${HUB_AUTH_METADATA}' and '${CLUSTER_AUTH_METADATA}' are missing from its authMetadata`,
    );
  }
  return {
    hub,
    cluster,
    epoch: authMetadata[CREDENTIALS_EPOCH_AUTH_METADATA] ?? '',
  };
}

function credentialOf(issued: Issued): KubernetesCredential {
  return {
    type: 'x509 client certificate',
    cert: issued.cert,
    key: issued.key,
  };
}
