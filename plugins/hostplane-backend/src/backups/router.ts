import {
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  ClusterChange,
  EtcdHealthResponse,
  ListBackupsResponse,
  backupCreatePermission,
  backupReadPermission,
  backupRestorePermission,
  clusterUpdatePermission,
} from '@hostplane/plugin-hostplane-common';
import {
  BackupMetadata,
  HostedControlPlaneProvider,
  HubDefinition,
} from '@hostplane/plugin-hostplane-node';
import express from 'express';
import Router from 'express-promise-router';
import { DefragmentationThresholds } from '../etcd';
import { ClusterEtcdFactory } from '../operations/etcdServices';
import { ClusterAuthorizer } from '../service/ClusterAuthorizer';
import { ClusterService } from '../service/ClusterService';
import { BackupRefusedError } from './errors';
import { BackupRef, BackupService } from './BackupService';
import { RESTORE_SNAPSHOTS_PATH } from './restoreUrls';

export interface BackupsRouterOptions {
  hubs: HubDefinition[];
  providers: Map<string, HostedControlPlaneProvider>;
  clusters: ClusterService;
  backups: BackupService;
  etcd: ClusterEtcdFactory;
  /** When a member is defragmented automatically (shown with the members' health). */
  defragmentation: DefragmentationThresholds;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  userInfo: UserInfoService;
  decisionTtlMs: number;
  logger: LoggerService;
}

/**
 * The permission a change needs: etcd backups and maintenance have their own (a team may back up
 * and defragment what it may not reshape), everything else is an update of the cluster.
 */
export function changePermission(change: ClusterChange) {
  switch (change.action) {
    case 'backup':
    case 'configureBackups':
    case 'defragment':
    case 'recoverEtcdSpace':
    case 'replaceEtcdMember':
      return backupCreatePermission;
    case 'restore':
      return backupRestorePermission;
    default:
      return clusterUpdatePermission;
  }
}

/**
 * A cluster's backups and etcd health (`hostplane.backup.read`), and the unauthenticated route a
 * hub fetches a restore snapshot from with a signed, short-lived token (the plugin lets exactly
 * that path through without credentials).
 */
export async function createBackupsRouter(
  options: BackupsRouterOptions,
): Promise<express.Router> {
  const { clusters, backups, logger } = options;
  const router = Router();
  const authorizer = new ClusterAuthorizer(options);

  router.get('/clusters/:hub/:name/backups', async (req, res) => {
    const { credentials, cluster } = await authorizer.readableCluster(req);
    await authorizer.authorizeCluster(
      credentials,
      backupReadPermission,
      cluster,
    );
    const body: ListBackupsResponse = await backups.list(cluster);
    res.json(body);
  });

  router.get('/clusters/:hub/:name/etcd', async (req, res) => {
    const { credentials, cluster } = await authorizer.readableCluster(req);
    await authorizer.authorizeCluster(
      credentials,
      backupReadPermission,
      cluster,
    );
    const hub = clusters.hub(cluster.hub);
    const provider = options.providers.get(hub.provider)!;
    if (!provider.capabilities.etcdOperations || !provider.etcdAccess) {
      throw new ConflictError(
        `The provider of hub '${hub.name}' (${provider.id}) does not operate etcd`,
      );
    }
    const etcd = options.etcd(hub, provider.etcdAccess(cluster));
    const body: EtcdHealthResponse = {
      members: await etcd.members(),
      defragmentation: options.defragmentation,
    };
    res.json(body);
  });

  // No credentials: the hub's etcd restore fetches this with a plain GET. The token is the
  // credential (HMAC-signed, naming one backup, expiring in minutes), so it is never logged.
  router.get(`${RESTORE_SNAPSHOTS_PATH}/:token`, async (req, res) => {
    // Backstage's request log reads `originalUrl` once the response has finished: the token is
    // taken out of it here, so the line names the route and not the credential. Errors are
    // answered here too, since the error handler's body repeats the URL.
    req.originalUrl = `${req.baseUrl}${RESTORE_SNAPSHOTS_PATH}/(token)`;
    let ref: BackupRef;
    let metadata: BackupMetadata;
    try {
      const claims = backups.restoreUrls.verify(req.params.token);
      ref = {
        hub: claims.hub,
        namespace: claims.namespace,
        cluster: claims.cluster,
        backupId: claims.backupId,
      };
      metadata = await backups.metadataOf(ref);
    } catch (error) {
      answerError(res, error);
      return;
    }
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(metadata.snapshot.sizeBytes));
    res.setHeader('Cache-Control', 'no-store');
    try {
      await backups.readSnapshot(ref, metadata, res);
      logger.info(
        `Served backup ${ref.backupId} of ${ref.hub}/${ref.cluster} for a restore`,
      );
    } catch (error) {
      const why = `Backup ${ref.backupId} of ${ref.hub}/${
        ref.cluster
      } cannot be served: ${
        error instanceof BackupRefusedError
          ? error.message
          : (error as Error).message
      }`;
      logger.warn(why);
      if (!res.headersSent) {
        // Refused before the first byte (a missing object, a wrong key): said as it is.
        answerError(res, new ConflictError(why));
        return;
      }
      // The body is under way: the reader sees it cut short of its length and refuses it.
      res.destroy();
    }
  });

  return router;
}

/** An error as the API answers it (`{ error: { name, message } }`), without the request's URL. */
function answerError(res: express.Response, error: unknown): void {
  const name = (error as Error).name;
  const statuses: Record<string, number> = {
    NotAllowedError: 403,
    NotFoundError: 404,
    ConflictError: 409,
  };
  const status = statuses[name] ?? 500;
  res.status(status).json({
    error:
      status === 500
        ? { name: 'Error', message: 'The restore snapshot could not be served' }
        : { name, message: (error as Error).message },
  });
}
