import { CustomErrorBase } from '@backstage/errors';

/**
 * An etcd member that could not be reached through the hub: the port-forward to its pod failed,
 * or the connection closed before etcd answered. Another member may still answer.
 */
export class EtcdUnreachableError extends CustomErrorBase {
  name = 'EtcdUnreachableError' as const;
}

/** etcd answered, with an error: the request reached the member and was refused or failed there. */
export class EtcdRequestError extends CustomErrorBase {
  name = 'EtcdRequestError' as const;

  constructor(
    message: string,
    /** The gRPC status code etcd reported, when it reported one. */
    readonly grpcCode?: number,
  ) {
    super(message);
  }
}

/**
 * A snapshot stream that cannot be trusted: its SHA-256 does not match the bytes received, it was
 * cut before its checksum, or etcd failed it midway.
 */
export class EtcdSnapshotError extends CustomErrorBase {
  name = 'EtcdSnapshotError' as const;
}
