import { S3Client } from '@aws-sdk/client-s3';
import { makeS3DocumentStore } from '../../core/adapters/s3/documents';
import type { Env } from './env';

/**
 * Built with no endpoint options, like the other clients: AWS_REGION and AWS_ENDPOINT_URL_S3 decide where
 * requests go. An endpoint on an IP address (the twin's `http://127.0.0.1:<port>`) gets path-style URLs
 * from the SDK's own endpoint rules, so no forcePathStyle and no second variable are needed.
 */
export const s3DocumentStore = (env: Env) => {
  if (!env.DOCUMENTS_BUCKET) throw new Error('missing or invalid environment variables: DOCUMENTS_BUCKET (this function uses the documents bucket)');
  return makeS3DocumentStore({ client: new S3Client({}), bucket: env.DOCUMENTS_BUCKET });
};
