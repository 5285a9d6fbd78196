/**
 * The dependency container. getDeps() builds the SDK clients once per cold start; tests and the local
 * twin call each handler's makeHandler() with their own context instead.
 * The clients are built with no endpoint options: AWS_ENDPOINT_URL_* and AWS_REGION decide where they go.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { SFNClient } from '@aws-sdk/client-sfn';
import { makeDynamoRepository } from '../../core/adapters/dynamodb/repository';
import { makeSesMailer } from '../../core/adapters/ses/mailer';
import { makeSfnWorkflow } from '../../core/adapters/sfn/workflow';
import { makeContext, type Context } from '../../core/use-cases/context';
import { readEnv, type Env } from './env';

export function buildContext(env: Env): Context {
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  return makeContext({
    repo: makeDynamoRepository({ client: ddb, tableName: env.TABLE_NAME }),
    mailer: makeSesMailer({ client: new SESClient({}), configurationSet: env.SES_CONFIGURATION_SET }),
    workflow: makeSfnWorkflow({
      client: new SFNClient({}),
      cycleStateMachineArn: env.CYCLE_STATE_MACHINE_ARN,
      unitStateMachineArn: env.UNIT_STATE_MACHINE_ARN,
    }),
    clock: { now: () => Date.now() },
  });
}

let cached: Context | undefined;
export function getDeps(): Context {
  cached ??= buildContext(readEnv());
  return cached;
}
