import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NotFoundError } from '@backstage/errors';
import {
  BackupStore,
  S3BackupStoreConfig,
  StoredObject,
  StoredObjectInfo,
  assertBackupObjectKey,
  assertBackupObjectPrefix,
} from '@hostplane/plugin-hostplane-node';
import { digestingStream } from './digestingStream';

/**
 * Parts are buffered for the upload: at most `PART_SIZE * PART_QUEUE` bytes of a backup are in
 * memory at once, whatever its size (S3's smallest part is 5 MiB).
 */
const PART_SIZE = 8 * 1024 * 1024;
const PART_QUEUE = 2;

/**
 * Backups in an S3 bucket, or any S3-compatible service. A put is a streamed multipart upload: its
 * parts stay invisible until the upload is completed, and a failed or aborted upload is aborted, so
 * a key never holds part of an object. Errors name the bucket, the key and S3's error code; they
 * carry no credential and no SDK error (whose request details are not ours to print).
 */
export class S3BackupStore implements BackupStore {
  readonly location: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #secrets: string[];

  constructor(config: Omit<S3BackupStoreConfig, 'type'>) {
    this.#bucket = config.bucket;
    this.#prefix = config.prefix;
    this.location = `s3://${config.bucket}/${config.prefix}${
      config.endpoint ? ` at ${new URL(config.endpoint).origin}` : ''
    }`;
    this.#secrets = [
      config.credentials?.secretAccessKey,
      config.credentials?.sessionToken,
    ].filter((secret): secret is string => Boolean(secret));
    this.#client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      // Without static credentials the SDK's default chain applies (environment, profile, role).
      credentials: config.credentials,
    });
  }

  async put(key: string, body: Readable): Promise<StoredObject> {
    assertBackupObjectKey(key);
    const sent = digestingStream();
    // A failing source fails the digesting stream too, which fails the upload, which aborts it.
    const piping = pipeline(body, sent.stream);
    const upload = new Upload({
      client: this.#client,
      params: {
        Bucket: this.#bucket,
        Key: this.#prefix + key,
        Body: sent.stream,
      },
      partSize: PART_SIZE,
      queueSize: PART_QUEUE,
    });
    try {
      await Promise.all([upload.done(), piping]);
    } catch (error) {
      sent.stream.destroy();
      body.destroy();
      await piping.catch(() => {});
      throw this.#describe('put', key, error);
    }
    return { key, sizeBytes: sent.sizeBytes(), sha256: sent.sha256() };
  }

  async get(key: string): Promise<Readable> {
    assertBackupObjectKey(key);
    try {
      const response = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + key }),
      );
      return response.Body as Readable;
    } catch (error) {
      throw this.#describe('get', key, error);
    }
  }

  async stat(key: string): Promise<StoredObjectInfo | undefined> {
    assertBackupObjectKey(key);
    try {
      const head = await this.#client.send(
        new HeadObjectCommand({
          Bucket: this.#bucket,
          Key: this.#prefix + key,
        }),
      );
      return {
        key,
        sizeBytes: head.ContentLength ?? 0,
        lastModified: head.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.#describe('stat', key, error);
    }
  }

  async list(prefix: string): Promise<StoredObjectInfo[]> {
    assertBackupObjectPrefix(prefix);
    const found: StoredObjectInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.#bucket,
            Prefix: this.#prefix + prefix,
            ContinuationToken: token,
          }),
        );
        for (const object of page.Contents ?? []) {
          found.push({
            key: object.Key!.slice(this.#prefix.length),
            sizeBytes: object.Size ?? 0,
            lastModified: object.LastModified ?? new Date(0),
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (error) {
      throw this.#describe('list', prefix, error);
    }
    return found;
  }

  async delete(key: string): Promise<void> {
    assertBackupObjectKey(key);
    try {
      await this.#client.send(
        new DeleteObjectCommand({
          Bucket: this.#bucket,
          Key: this.#prefix + key,
        }),
      );
    } catch (error) {
      throw this.#describe('delete', key, error);
    }
  }

  /** Closes the client's connections. */
  destroy(): void {
    this.#client.destroy();
  }

  #describe(operation: string, key: string, error: unknown): Error {
    if (operation === 'get' && isMissing(error)) {
      return new NotFoundError(
        `${this.location} has no backup object '${key}'`,
      );
    }
    const { name, message, $metadata } = error as {
      name?: string;
      message?: string;
      $metadata?: { httpStatusCode?: number };
    };
    const status = $metadata?.httpStatusCode;
    // A HEAD answer has no body, so the SDK knows no error code for it: say what the status means.
    const reason =
      name && name !== 'Unknown'
        ? `${name}${status ? ` (HTTP ${status})` : ''}: ${message}`
        : `HTTP ${status ?? 'error'}${
            status === 403
              ? ': the credentials are refused or lack permission'
              : ''
          }`;
    let text = `${this.location}: cannot ${operation} '${key}': ${reason}`;
    // S3 never echoes a secret, but a proxy or an S3-compatible service might: never pass one on.
    for (const secret of this.#secrets) {
      text = text.split(secret).join('[redacted]');
    }
    return new Error(text);
  }
}

function isMissing(error: unknown): boolean {
  const { name, $metadata } = error as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
  };
  // HEAD answers a bare 404 (`NotFound`); a missing bucket is an error of its own.
  return (
    name === 'NoSuchKey' ||
    name === 'NotFound' ||
    ($metadata?.httpStatusCode === 404 && name !== 'NoSuchBucket')
  );
}
