import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  ClusterStatus,
  KubeconfigIssuance,
  KubeconfigResponse,
  kubeconfigRequestSchema,
} from '@hostplane/plugin-hostplane-common';
import {
  HostedControlPlaneProvider,
  HubDefinition,
  ServerSideApplier,
} from '@hostplane/plugin-hostplane-node';
import { KubeConfig } from '@kubernetes/client-node';
import { IssuanceStore } from '../database/IssuanceStore';
import { FIELD_MANAGER } from '../operations/OperationRunner';
import { ValidationError } from '../service/ValidationError';
import { signClientCertificate } from './clientCertificate';
import { readTenantAuthority } from './tenantAuthority';
import { ownerAccessBinding } from './tenantAccess';
import { renderUserKubeconfig } from './userKubeconfig';

/**
 * The one way a tenant credential reaches a user: a client certificate for the caller, signed by
 * the tenant's CA, valid for hours, recorded and audited. The tenant's admin kubeconfig is read
 * here and used only to grant the owning group access inside the tenant; it is never returned.
 */
export class KubeconfigService {
  /** Tenants whose owner binding has been applied by this instance. */
  private readonly bound = new Set<string>();

  constructor(
    private readonly hubs: HubDefinition[],
    private readonly providers: Map<string, HostedControlPlaneProvider>,
    private readonly store: IssuanceStore,
    private readonly userInfo: UserInfoService,
    private readonly auditor: AuditorService,
  ) {}

  async issue(
    cluster: ClusterStatus,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    body: unknown,
  ): Promise<KubeconfigResponse> {
    const parsed = kubeconfigRequestSchema.safeParse(body);
    if (!parsed.success) throw ValidationError.fromZod(parsed.error);
    if (credentials.principal.type !== 'user') {
      throw new ConflictError('Kubeconfigs are issued to users only');
    }
    if (!cluster.endpoint) {
      throw new ConflictError(
        `Cluster '${cluster.name}' has no API endpoint yet (phase ${cluster.phase}); try again when it is Ready`,
      );
    }
    const auditEvent = await this.auditor.createEvent({
      eventId: 'kubeconfig-issue',
      severityLevel: 'medium',
      meta: {
        hub: cluster.hub,
        cluster: cluster.name,
        ttlHours: parsed.data.ttlHours,
      },
    });
    try {
      const hub = this.hubs.find(h => h.name === cluster.hub)!;
      const provider = this.providers.get(hub.provider)!;
      const { caCertPem, caKeyPem, serverCaPem, admin } =
        await readTenantAuthority(hub, provider, cluster);
      await this.grantOwner(cluster, admin);

      const user = credentials.principal.userEntityRef;
      const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
        credentials,
      );
      const groups = ownershipEntityRefs.filter(ref => ref !== user);
      const ttlMs = parsed.data.ttlHours * 3_600_000;
      const certificate = signClientCertificate({
        caCertPem,
        caKeyPem,
        user,
        groups,
        ttlMs,
      });
      const kubeconfig = renderUserKubeconfig({
        clusterName: `${cluster.hub}-${cluster.name}`,
        server: cluster.endpoint,
        caCertPem: serverCaPem,
        user,
        certPem: certificate.certPem,
        keyPem: certificate.keyPem,
      });
      const issuance = {
        ...(await this.store.record({
          hub: cluster.hub,
          cluster: cluster.name,
          user,
          groups,
          serial: certificate.serial,
          issuedAt: new Date().toISOString(),
          expiresAt: certificate.notAfter.toISOString(),
        })),
        revoked: false,
      };
      await auditEvent.success({
        meta: {
          serial: issuance.serial,
          expiresAt: issuance.expiresAt,
          groups,
        },
      });
      return { kubeconfig, expiresAt: issuance.expiresAt, issuance };
    } catch (error) {
      await auditEvent.fail({ error: error as Error });
      throw error;
    }
  }

  /**
   * The cluster's issuances, newest first. Those issued before its last credential rotation are
   * revoked: the tenant no longer trusts the CA that signed them (none can be issued during one).
   */
  async issuances(cluster: ClusterStatus): Promise<KubeconfigIssuance[]> {
    const rotatedAt = cluster.credentialsRotatedAt;
    const records = await this.store.list(cluster.hub, cluster.name);
    return records.map(record => ({
      ...record,
      revoked: rotatedAt !== undefined && record.issuedAt < rotatedAt,
    }));
  }

  /** Lets the owning group in: a ClusterRoleBinding in the tenant, applied with its admin credential. */
  private async grantOwner(
    cluster: ClusterStatus,
    admin: KubeConfig,
  ): Promise<void> {
    // A cluster deleted and created again under its name is a new tenant: createdAt tells them apart.
    const key = `${cluster.hub}/${cluster.name}/${cluster.createdAt}/${cluster.owner}`;
    if (this.bound.has(key)) return;
    await new ServerSideApplier(admin, FIELD_MANAGER, { force: false }).apply([
      ownerAccessBinding(cluster.owner),
    ]);
    this.bound.add(key);
  }
}
