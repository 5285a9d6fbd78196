import { SFNClient } from '@aws-sdk/client-sfn';
import { makeSfnWorkflow } from '../../core/adapters/sfn/workflow';
import type { Env } from './env';

export const sfnWorkflow = (env: Env) =>
  makeSfnWorkflow({
    client: new SFNClient({}),
    cycleStateMachineArn: env.CYCLE_STATE_MACHINE_ARN,
    unitStateMachineArn: env.UNIT_STATE_MACHINE_ARN,
  });
