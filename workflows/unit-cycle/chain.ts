/**
 * UnitCycle (one execution per unit per cycle, input `{cycleId, unitId, schedule}`, see ../contract.ts).
 *
 * Primary course:
 * 1. For each phase before the review, in order: sleep until it opens, send the opening notice, then for
 *    each deliverable: send its reminders at their times, and at its escalation time escalate it if it
 *    is still missing (the handler decides; the workflow only keeps time).
 * 2. Review (初评): wait for the self-assessment (自评报告), then loop review round -> decision; a returned
 *    report gets a rectification notice (限期整改) and waits for the resubmission, until approved or out of
 *    rounds.
 * 3. Record exactly one outcome.
 *
 * Every wait is an absolute timestamp from the schedule (a Wait whose time has passed continues at once,
 * so a redriven or restarted execution catches up instead of waiting again). Every callback's timeout
 * comes from the step before it, computed from an absolute deadline.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { UnitOutcome } from '../contract';
import { callbackTask, invokeTask } from '../lambda-task';
import { UnitCycleState as S, type UnitCycleFunction } from './states';

export { UnitCycleState, UNIT_CYCLE_FUNCTIONS, type UnitCycleFunction } from './states';

const DISCARD = sfn.JsonPath.DISCARD;
const at = sfn.JsonPath.stringAt;

export function unitCycleDefinition(scope: Construct, fns: Record<UnitCycleFunction, lambda.IFunction>): sfn.IChainable {
  const ids = { cycleId: at('$.cycleId'), unitId: at('$.unitId') };
  const waitUntil = (name: string, path: string) => sfn.Wait.jsonPath(scope, name, { time: sfn.WaitTime.timestampPath(path) });

  // ---- 1. Phases, deliverables, reminders (Map states run one item at a time, in schedule order) ----
  const reminderIteration = waitUntil(S.WaitForReminderTime, '$.reminder.at').next(
    invokeTask(
      scope,
      S.SendReminder,
      fns['send-unit-notice'],
      { ...ids, notice: { kind: 'reminder', deliverableId: at('$.deliverableId'), milestone: at('$.reminder.milestone') } },
      { resultPath: DISCARD },
    ),
  );
  const forEachReminder = sfn.Map.jsonPath(scope, S.ForEachReminder, {
    itemsPath: '$.deliverable.reminders',
    itemSelector: {
      ...ids,
      deliverableId: at('$.deliverable.deliverableId'),
      reminder: at('$$.Map.Item.Value'),
    },
    maxConcurrency: 1,
    resultPath: DISCARD,
  }).itemProcessor(reminderIteration);

  const deliverableIteration = forEachReminder
    .next(waitUntil(S.WaitForDeadlinePassed, '$.deliverable.escalateAt'))
    .next(
      invokeTask(
        scope,
        S.EscalateIfMissing,
        fns['send-unit-notice'],
        { ...ids, notice: { kind: 'escalation', deliverableId: at('$.deliverable.deliverableId') } },
        { resultPath: DISCARD },
      ),
    );
  const forEachDeliverable = sfn.Map.jsonPath(scope, S.ForEachDeliverable, {
    itemsPath: '$.phase.deliverables',
    itemSelector: { ...ids, deliverable: at('$$.Map.Item.Value') },
    maxConcurrency: 1,
    resultPath: DISCARD,
  }).itemProcessor(deliverableIteration);

  const phaseIteration = waitUntil(S.WaitForPhaseOpening, '$.phase.opensAt')
    .next(
      invokeTask(
        scope,
        S.NotifyPhaseOpened,
        fns['send-unit-notice'],
        { ...ids, notice: { kind: 'phase-opened', phase: at('$.phase.kind') } },
        { resultPath: DISCARD },
      ),
    )
    .next(forEachDeliverable);
  const forEachPhase = sfn.Map.jsonPath(scope, S.ForEachPhase, {
    itemsPath: '$.schedule.phases',
    itemSelector: { ...ids, phase: at('$$.Map.Item.Value') },
    maxConcurrency: 1,
    resultPath: DISCARD,
  }).itemProcessor(phaseIteration);

  // ---- 3. Outcomes: one record-outcome function, five states ----
  const done = sfn.Succeed.jsonPath(scope, S.UnitCycleDone);
  const record = (name: string, outcome: UnitOutcome) =>
    invokeTask(scope, name, fns['record-outcome'], { ...ids, outcome }, { resultPath: '$.outcome' }).next(done);
  const recordQualified = record(S.RecordQualified, 'qualified');
  const recordNotQualified = record(S.RecordNotQualified, 'not-qualified');
  const recordNotSubmitted = record(S.RecordNotSubmitted, 'not-submitted');
  const recordReviewOverdue = record(S.RecordReviewOverdue, 'review-overdue');
  const recordRectificationMissed = record(S.RecordRectificationMissed, 'rectification-missed');

  // ---- 2. Review (初评) with rectification rounds ----
  const timeoutSecondsPath = '$.step.timeoutSeconds';
  const onTimeout = { errors: [sfn.Errors.TIMEOUT], resultPath: '$.error' };

  const prepareSubmissionWait = invokeTask(
    scope,
    S.PrepareSubmissionWait,
    fns['prepare-review-step'],
    { ...ids, step: 'await-submission', round: 1 },
    { resultPath: '$.step' },
  );
  const awaitSelfAssessment = callbackTask(
    scope,
    S.AwaitSelfAssessment,
    fns['await-submission'],
    { ...ids, afterVersion: 0 },
    { resultPath: '$.submission', timeoutSecondsPath },
  ).addCatch(recordNotSubmitted, onTimeout);

  const prepareReviewRound = invokeTask(
    scope,
    S.PrepareReviewRound,
    fns['prepare-review-step'],
    { ...ids, step: 'await-decision', round: sfn.JsonPath.numberAt('$.step.round') },
    { resultPath: '$.step' },
  );
  const awaitReviewDecision = callbackTask(
    scope,
    S.AwaitReviewDecision,
    fns['request-review'],
    { ...ids, round: sfn.JsonPath.numberAt('$.step.round'), version: sfn.JsonPath.numberAt('$.submission.version') },
    { resultPath: '$.decision', timeoutSecondsPath },
  ).addCatch(recordReviewOverdue, onTimeout);

  const issueRectification = invokeTask(
    scope,
    S.IssueRectification,
    fns['issue-rectification'],
    { ...ids, round: sfn.JsonPath.numberAt('$.decision.round') },
    { resultPath: '$.step' },
  );
  const awaitResubmission = callbackTask(
    scope,
    S.AwaitResubmission,
    fns['await-submission'],
    { ...ids, afterVersion: sfn.JsonPath.numberAt('$.submission.version') },
    { resultPath: '$.submission', timeoutSecondsPath },
  ).addCatch(recordRectificationMissed, onTimeout);

  const hasRoundsLeft = sfn.Choice.jsonPath(scope, S.HasRoundsLeft)
    .when(sfn.Condition.booleanEquals('$.step.exhausted', true), recordNotQualified)
    .otherwise(awaitResubmission.next(prepareReviewRound));
  const isApproved = sfn.Choice.jsonPath(scope, S.IsApproved)
    .when(sfn.Condition.stringEquals('$.decision.outcome', 'approved'), recordQualified)
    .otherwise(issueRectification.next(hasRoundsLeft));

  return forEachPhase
    .next(waitUntil(S.WaitForReviewOpening, '$.schedule.review.opensAt'))
    .next(prepareSubmissionWait)
    .next(awaitSelfAssessment)
    .next(prepareReviewRound)
    .next(awaitReviewDecision)
    .next(isApproved);
}
