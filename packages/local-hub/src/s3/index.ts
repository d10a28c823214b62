export { S3Server, ensureS3ServerBinary, s3ServerBinary } from './S3Server';
export type { S3ServerOptions } from './S3Server';
