/**
 * YearlyCycle (one execution per cycle, input `{cycleId}`, see ../contract.ts).
 *
 * Primary course: register the cycle (stores the schedule, returns it) -> start one UnitCycle execution
 * per unit, in pages (the cursor loop keeps each invocation short and the history small) -> sleep until
 * the confirmation request (上报确认) -> ask the running office to confirm the list -> wait for the
 * confirmation as every wait does (Prepare reads the record and sends the ladder's rungs that came due ->
 * Is...? -> a callback of at most a day -> Prepare again) -> sleep until the forwarding date (at once if it
 * passed) -> generate the year's documents (recording the list that goes up, then storing and recording each
 * document) -> forward the qualifying units to the province (the email lists the documents) -> close the cycle. Never confirmed before the
 * execution's year runs out: close with nothing forwarded.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { DOCUMENTS_FUNCTION_TIMEOUT_SECONDS } from '../../core/task-limits';
import { callbackTask, invokeTask } from '../lambda-task';
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
  // The documents take minutes at 2,800 units: their own function, with its own timeout and no mail
  // (core/task-limits.ts); ForwardToProvince then mails what they recorded, within the 30 s its lease assumes.
  const generate = invokeTask(scope, S.GenerateYearDocuments, fns['generate-year-documents'], { cycleId }, {
    resultPath: '$.documents',
    functionTimeoutSeconds: DOCUMENTS_FUNCTION_TIMEOUT_SECONDS,
  });
  const forward = invokeTask(scope, S.ForwardToProvince, fns['forward-to-province'], { cycleId }, { resultPath: '$.forwarded' });
  const close = invokeTask(scope, S.CloseCycle, fns['close-cycle'], { cycleId }, { resultPath: '$.closed' });
  const closed = sfn.Succeed.jsonPath(scope, S.CycleClosed);

  close.next(closed);
  const forwarding = waitForForwarding.next(generate).next(forward).next(close);

  // 上报确认: the list goes only once confirmed; the record is the truth, the callback a shortcut.
  const waitForRequest = sfn.Wait.jsonPath(scope, S.WaitForConfirmationRequestTime, {
    time: sfn.WaitTime.timestampPath('$.cycle.schedule.confirmation.requestAt'),
  });
  const request = invokeTask(scope, S.RequestListConfirmation, fns['request-list-confirmation'], { cycleId }, { resultPath: sfn.JsonPath.DISCARD });
  const prepare = invokeTask(
    scope,
    S.PrepareConfirmationWait,
    fns['prepare-confirmation-wait'],
    { cycleId, startedAt: sfn.JsonPath.stringAt('$$.Execution.StartTime') },
    { resultPath: '$.confirmation' },
  );
  const awaitConfirmation = callbackTask(scope, S.AwaitListConfirmation, fns['await-list-confirmation'], { cycleId }, {
    resultPath: sfn.JsonPath.DISCARD,
    timeoutSecondsPath: '$.confirmation.timeoutSeconds',
  });
  // Completed or timed out, the wait goes back to Prepare, which reads the record: only the record decides.
  awaitConfirmation.addCatch(prepare, { errors: [sfn.Errors.TIMEOUT], resultPath: sfn.JsonPath.DISCARD });
  awaitConfirmation.next(prepare);
  const isConfirmed = sfn.Choice.jsonPath(scope, S.IsListConfirmed)
    .when(sfn.Condition.booleanEquals('$.confirmation.confirmed', true), forwarding)
    .when(sfn.Condition.booleanEquals('$.confirmation.expired', true), close)
    .otherwise(awaitConfirmation);
  const afterStart = waitForRequest.next(request).next(prepare).next(isConfirmed);
  const moreUnits = sfn.Choice.jsonPath(scope, S.MoreUnitsToStart)
    .when(sfn.Condition.isNotNull('$.start.cursor'), startUnits)
    .otherwise(afterStart);

  return registerCycle.next(initialiseCursor).next(startUnits).next(moreUnits);
}
