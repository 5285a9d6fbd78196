/**
 * YearlyCycle (one execution per cycle, input `{cycleId}`, see ../contract.ts).
 *
 * Primary course: register the cycle (stores the schedule, returns it) -> start one UnitCycle execution
 * per unit, in pages (the cursor loop keeps each invocation short and the history small) -> sleep until
 * the forwarding date -> forward the qualifying units to the province -> close the cycle.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { invokeTask } from '../lambda-task';
import { YearlyCycleState as S, type YearlyCycleFunction } from './states';

export { YearlyCycleState, YEARLY_CYCLE_FUNCTIONS, type YearlyCycleFunction } from './states';

export function yearlyCycleDefinition(scope: Construct, fns: Record<YearlyCycleFunction, lambda.IFunction>): sfn.IChainable {
  const cycleId = sfn.JsonPath.stringAt('$.cycleId');
  const executionName = sfn.JsonPath.stringAt('$$.Execution.Name');

  const registerCycle = invokeTask(scope, S.RegisterCycle, fns['register-cycle'], { cycleId, executionName }, { resultPath: '$.cycle' });

  const initialiseCursor = sfn.Pass.jsonPath(scope, S.InitialiseStartCursor, {
    result: sfn.Result.fromObject({ cursor: null }),
    resultPath: '$.start',
  });

  const startUnits = invokeTask(
    scope,
    S.StartUnitWorkflows,
    fns['start-unit-workflows'],
    {
      cycleId,
      executionName,
      schedule: sfn.JsonPath.objectAt('$.cycle.schedule'),
      cursor: sfn.JsonPath.stringAt('$.start.cursor'),
    },
    { resultPath: '$.start' },
  );

  const waitForForwarding = sfn.Wait.jsonPath(scope, S.WaitForForwardingDate, {
    time: sfn.WaitTime.timestampPath('$.cycle.schedule.forwardAt'),
  });
  const forward = invokeTask(scope, S.ForwardToProvince, fns['forward-to-province'], { cycleId }, { resultPath: '$.forwarded' });
  const close = invokeTask(scope, S.CloseCycle, fns['close-cycle'], { cycleId }, { resultPath: '$.closed' });
  const closed = sfn.Succeed.jsonPath(scope, S.CycleClosed);

  const afterStart = waitForForwarding.next(forward).next(close).next(closed);
  const moreUnits = sfn.Choice.jsonPath(scope, S.MoreUnitsToStart)
    .when(sfn.Condition.isNotNull('$.start.cursor'), startUnits)
    .otherwise(afterStart);

  return registerCycle.next(initialiseCursor).next(startUnits).next(moreUnits);
}
