import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDynamoRepository } from '../../core/adapters/dynamodb/repository';
import type { Env } from './env';

/** Built with no endpoint options: AWS_REGION and AWS_ENDPOINT_URL_DYNAMODB decide where requests go. */
export const dynamoRepository = (env: Env) =>
  makeDynamoRepository({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
    tableName: env.TABLE_NAME,
  });
