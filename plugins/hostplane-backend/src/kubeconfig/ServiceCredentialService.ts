import {
  AuditorService,
  BackstageCredentials,
  BackstageServicePrincipal,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  ClusterStatus,
  ServiceCredentialResponse,
} from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  HubDefinition,
  ServerSideApplier,
} from '@hostplane/plugin-hostplane-node';
import { KubeConfig } from '@kubernetes/client-node';
import { IssuanceStore } from '../database/IssuanceStore';
import { FIELD_MANAGER } from '../operations/OperationRunner';
import { signClientCertificate } from './clientCertificate';
import { readTenantAuthority } from './tenantAuthority';
import {
  SERVICE_VIEWERS_GROUP,
  serviceUser,
  serviceViewerBinding,
} from './tenantAccess';

/** How long a service credential is valid; its holder renews it before then. */
export const SERVICE_CREDENTIAL_TTL_MS = 60 * 60 * 1000;

/**
 * Read-only tenant credentials for backend plugins (the Kubernetes plugin's view of workloads):
 * a client certificate signed by the tenant's CA for `hostplane:service:<subject>` in
 * {@link SERVICE_VIEWERS_GROUP}, which is bound to the built-in `view` ClusterRole inside the
 * tenant. Valid for an hour, recorded with the kubeconfig issuances and audited; never logged.
 */
export class ServiceCredentialService {
  /** Tenants whose viewer binding has been applied by this instance. */
  private readonly bound = new Set<string>();

  constructor(
    private readonly hubs: HubDefinition[],
    private readonly providers: Map<string, HostedControlPlaneProvider>,
    private readonly store: IssuanceStore,
    private readonly auditor: AuditorService,
    private readonly ttlMs = SERVICE_CREDENTIAL_TTL_MS,
  ) {}

  async issue(
    cluster: ClusterStatus,
    credentials: BackstageCredentials,
  ): Promise<ServiceCredentialResponse> {
    const principal = credentials.principal as { type?: string };
    if (principal.type !== 'service') {
      throw new NotAllowedError(
        'Service credentials are issued to backend services only',
      );
    }
    const service = (principal as BackstageServicePrincipal).subject;
    if (!cluster.endpoint) {
      throw new ConflictError(
        `Cluster '${cluster.name}' has no API endpoint yet (phase ${cluster.phase})`,
      );
    }
    const auditEvent = await this.auditor.createEvent({
      eventId: 'service-credential-issue',
      severityLevel: 'medium',
      meta: { hub: cluster.hub, cluster: cluster.name, service },
    });
    try {
      const hub = this.hubs.find(h => h.name === cluster.hub)!;
      const provider = this.providers.get(hub.provider)!;
      const authority = await readTenantAuthority(hub, provider, cluster);
      await this.grantViewers(cluster, authority.admin);

      const user = serviceUser(service);
      const groups = [SERVICE_VIEWERS_GROUP];
      const certificate = signClientCertificate({
        caCertPem: authority.caCertPem,
        caKeyPem: authority.caKeyPem,
        user,
        groups,
        ttlMs: this.ttlMs,
      });
      const expiresAt = certificate.notAfter.toISOString();
      await this.store.record({
        hub: cluster.hub,
        cluster: cluster.name,
        user,
        groups,
        serial: certificate.serial,
        issuedAt: new Date().toISOString(),
        expiresAt,
      });
      await auditEvent.success({
        meta: { serial: certificate.serial, expiresAt, user, groups },
      });
      return {
        cert: certificate.certPem,
        key: certificate.keyPem,
        caData: Buffer.from(authority.serverCaPem, 'utf8').toString('base64'),
        user,
        groups,
        serial: certificate.serial,
        expiresAt,
      };
    } catch (error) {
      await auditEvent.fail({ error: error as Error });
      throw error;
    }
  }

  /** Lets the service viewers read the tenant: a ClusterRoleBinding applied with its admin credential. */
  private async grantViewers(
    cluster: ClusterStatus,
    admin: KubeConfig,
  ): Promise<void> {
    // A cluster deleted and created again under its name is a new tenant: createdAt tells them apart.
    const key = `${cluster.hub}/${cluster.name}/${cluster.createdAt}`;
    if (this.bound.has(key)) return;
    await new ServerSideApplier(admin, FIELD_MANAGER, { force: false }).apply([
      serviceViewerBinding(),
    ]);
    this.bound.add(key);
  }
}
