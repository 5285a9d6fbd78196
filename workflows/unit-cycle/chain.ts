/**
 * UnitCycle (one execution per unit per cycle, input `{cycleId, unitId, schedule}`, see ../contract.ts).
 *
 * Primary course:
 * Two branches side by side (every wait is an absolute instant, so nothing needs to run in sequence):
 * 1. For each phase before the review: sleep until it opens, send the opening notice, then for
 *    each deliverable: send its reminders at their times, then climb its escalation ladder (leader in
 *    charge, city office, drafted criticism), each rung only if it is still missing (the handler decides;
 *    the workflow only keeps time).
 * 2. Review (初评): wait for the self-assessment (自评报告), then loop review round -> decision; a returned
 *    report gets a rectification notice (限期整改) and waits for the resubmission, until approved or out of
 *    rounds. While it waits, a notice left unsigned (签收) past its period climbs its escalation ladder.
 * 3. Record exactly one outcome.
 * 4. Cross-inspection, when the plan has it: at each window's draw instant, draw the unit's sample (once); a draw
 *    that fails after its retries is reported to the office (once) and tried again while the window is open;
 *    the first sending morning after the window's last day, tell the unit what was found (交叉检查结果通知).
 *
 * Every wait is an absolute timestamp from the schedule (a Wait whose time has passed continues at once,
 * so a redriven or restarted execution catches up instead of waiting again). Every callback's timeout
 * comes from the step before it, computed from an absolute deadline. The review follows the record
 * (core/use-cases/review-record.ts): each wait re-reads it daily and at its deadline, and a restarted
 * execution replays the recorded rounds.
 */
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { UnitOutcome } from '../contract';
import { callbackTask, invokeTask } from '../lambda-task';
import { UnitCycleState as S, type UnitCycleFunction, type UnitCycleReportState } from './states';

export { UnitCycleState, UNIT_CYCLE_FUNCTIONS, type UnitCycleFunction } from './states';

const DISCARD = sfn.JsonPath.DISCARD;
const at = sfn.JsonPath.stringAt;

export function unitCycleDefinition(scope: Construct, fns: Record<UnitCycleFunction, lambda.IFunction>): sfn.IChainable {
  const ids = { cycleId: at('$.cycleId'), unitId: at('$.unitId') };
  const waitUntil = (name: string, path: string) => sfn.Wait.jsonPath(scope, name, { time: sfn.WaitTime.timestampPath(path) });
  /**
   * A notice that still fails after its retries must not end the unit's cycle: it is reported to the city
   * office (once, through the ledger) and the cycle goes on. If even the report fails, it goes on anyway.
   */
  const sendOrReport = (name: string, reportName: UnitCycleReportState, notice: Record<string, unknown>) => {
    const task = invokeTask(scope, name, fns['send-unit-notice'], { ...ids, notice }, { resultPath: DISCARD });
    const report = invokeTask(
      scope,
      reportName,
      fns['send-unit-notice'],
      { ...ids, notice: { kind: 'delivery-failure', failed: notice, error: at('$.failure.Error') } },
      { resultPath: DISCARD },
    );
    const unreported = sfn.Pass.jsonPath(scope, S[`${reportName}Skipped`]);
    report.addCatch(unreported, { errors: [sfn.Errors.ALL], resultPath: DISCARD });
    task.addCatch(report, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
    /** Continue both the normal and the failure paths to `next`. */
    const then = (next: sfn.IChainable) => {
      report.next(next);
      unreported.next(next);
      return task.next(next);
    };
    return { task, then };
  };

  // ---- 1. Phases, deliverables, reminders, escalation ladders ----
  // Every item waits for its own absolute instant, so the Maps run their items side by side: a missed
  // deadline's ladder never holds back the next phase's notices (order is in the instants, not the states).
  const reminderIteration = waitUntil(S.WaitForReminderTime, '$.reminder.at').next(
    sendOrReport(S.SendReminder, S.ReportReminderFailure, { kind: 'reminder', deliverableId: at('$.deliverableId'), milestone: at('$.reminder.milestone') }).task,
  );
  const forEachReminder = sfn.Map.jsonPath(scope, S.ForEachReminder, {
    itemsPath: '$.deliverable.reminders',
    itemSelector: {
      ...ids,
      deliverableId: at('$.deliverable.deliverableId'),
      reminder: at('$$.Map.Item.Value'),
    },
    maxConcurrency: 0,
    resultPath: DISCARD,
  }).itemProcessor(reminderIteration);

  // The escalation ladder (leader in charge, city office, drafted criticism): each rung at its time; the
  // handler escalates only while the deliverable is still missing.
  const escalationIteration = waitUntil(S.WaitForEscalationTime, '$.escalation.at').next(
    sendOrReport(S.EscalateIfMissing, S.ReportEscalationFailure, {
      kind: 'escalation',
      deliverableId: at('$.deliverableId'),
      level: sfn.JsonPath.numberAt('$.escalation.level'),
    }).task,
  );
  const forEachEscalationLevel = sfn.Map.jsonPath(scope, S.ForEachEscalationLevel, {
    itemsPath: '$.deliverable.escalations',
    itemSelector: { ...ids, deliverableId: at('$.deliverable.deliverableId'), escalation: at('$$.Map.Item.Value') },
    maxConcurrency: 0,
    resultPath: DISCARD,
  }).itemProcessor(escalationIteration);

  const deliverableIteration = forEachReminder.next(forEachEscalationLevel);
  const forEachDeliverable = sfn.Map.jsonPath(scope, S.ForEachDeliverable, {
    itemsPath: '$.phase.deliverables',
    itemSelector: { ...ids, deliverable: at('$$.Map.Item.Value') },
    maxConcurrency: 0,
    resultPath: DISCARD,
  }).itemProcessor(deliverableIteration);

  const phaseIteration = waitUntil(S.WaitForPhaseOpening, '$.phase.opensAt').next(
    sendOrReport(S.NotifyPhaseOpened, S.ReportPhaseNoticeFailure, { kind: 'phase-opened', phase: at('$.phase.kind') }).then(forEachDeliverable),
  );
  const forEachPhase = sfn.Map.jsonPath(scope, S.ForEachPhase, {
    itemsPath: '$.schedule.phases',
    itemSelector: { ...ids, phase: at('$$.Map.Item.Value') },
    maxConcurrency: 0,
    resultPath: DISCARD,
  }).itemProcessor(phaseIteration);

  // ---- 3. Outcomes: one record-outcome function, five states; then the outcome notice at its time ----
  const done = sfn.Succeed.jsonPath(scope, S.ReviewSettled);
  // Recorded at once (the forwarding must not wait); the notice goes at `noticeAt`: now for a decision, the
  // next sending morning when a deadline (23:59:59) gave the outcome.
  const isRectificationMissed = sfn.Choice.jsonPath(scope, S.IsRectificationMissed);
  const outcomeNotice = waitUntil(S.WaitForOutcomeNoticeTime, '$.outcome.noticeAt').next(
    sendOrReport(S.SendOutcomeNotice, S.ReportOutcomeNoticeFailure, { kind: 'outcome' }).then(isRectificationMissed),
  );
  const record = (name: string, outcome: UnitOutcome) =>
    invokeTask(scope, name, fns['record-outcome'], { ...ids, outcome }, { resultPath: '$.outcome' }).next(outcomeNotice);
  const recordQualified = record(S.RecordQualified, 'qualified');
  const recordNotQualified = record(S.RecordNotQualified, 'not-qualified');
  const recordNotSubmitted = record(S.RecordNotSubmitted, 'not-submitted');
  const recordReviewOverdue = record(S.RecordReviewOverdue, 'review-overdue');
  // A missed rectification deadline: after the outcome, the same escalation ladder as a missed deadline,
  // rung by rung at the instants IssueRectification computed.
  const rectificationRung = waitUntil(S.WaitForRectificationEscalationTime, '$.escalation.at').next(
    sendOrReport(S.EscalateMissedRectification, S.ReportRectificationEscalationFailure, {
      kind: 'rectification-escalation',
      round: sfn.JsonPath.numberAt('$.round'),
      level: sfn.JsonPath.numberAt('$.escalation.level'),
    }).task,
  );
  const forEachRectificationRung = sfn.Map.jsonPath(scope, S.ForEachRectificationEscalation, {
    itemsPath: '$.step.escalations',
    itemSelector: { ...ids, round: sfn.JsonPath.numberAt('$.step.returnedRound'), escalation: at('$$.Map.Item.Value') },
    maxConcurrency: 0,
    resultPath: DISCARD,
  }).itemProcessor(rectificationRung);
  const recordRectificationMissed = record(S.RecordRectificationMissed, 'rectification-missed');
  isRectificationMissed.when(sfn.Condition.stringEquals('$.outcome.outcome', 'rectification-missed'), forEachRectificationRung.next(done)).otherwise(done);

  // ---- 2. Review (初评) with rectification rounds ----
  // Each wait is Prepare -> Is...? -> Await (callback). Prepare reads the record: how long to wait (until
  // the deadline, at most a day) and whether the deadline passed with nothing recorded (-> the outcome).
  // A callback that times out goes back to its Prepare, so the record is read again at least daily and
  // once more at the deadline: a completion lost after a write only delays the workflow, and the timeout
  // outcomes follow the record, never a lost callback. Prepare results go to $.wait, keeping $.step
  // (IssueRectification's ladder) for the rectification-missed path.
  const timeoutSecondsPath = '$.wait.timeoutSeconds';
  const readAgain = { errors: [sfn.Errors.TIMEOUT], resultPath: DISCARD };
  const round = sfn.JsonPath.numberAt('$.wait.round');
  const prepare = (name: string, step: 'await-submission' | 'await-decision', forRound: unknown) =>
    invokeTask(scope, name, fns['prepare-review-step'], { ...ids, step, round: forRound }, { resultPath: '$.wait' });
  const expiredThen = (name: string, outcome: sfn.IChainable, wait: sfn.IChainable) =>
    sfn.Choice.jsonPath(scope, name).when(sfn.Condition.booleanEquals('$.wait.expired', true), outcome).otherwise(wait);

  const prepareSubmissionWait = prepare(S.PrepareSubmissionWait, 'await-submission', 1);
  const awaitSelfAssessment = callbackTask(scope, S.AwaitSelfAssessment, fns['await-submission'], { ...ids, round }, { resultPath: '$.submission', timeoutSecondsPath });
  awaitSelfAssessment.addCatch(prepareSubmissionWait, readAgain);

  const prepareReviewRound = prepare(S.PrepareReviewRound, 'await-decision', round);
  const awaitReviewDecision = callbackTask(
    scope,
    S.AwaitReviewDecision,
    fns['request-review'],
    { ...ids, round, version: sfn.JsonPath.numberAt('$.submission.version') },
    { resultPath: '$.decision', timeoutSecondsPath },
  );
  awaitReviewDecision.addCatch(prepareReviewRound, readAgain);

  const issueRectification = invokeTask(
    scope,
    S.IssueRectification,
    fns['issue-rectification'],
    { ...ids, round: sfn.JsonPath.numberAt('$.decision.round') },
    { resultPath: '$.step' },
  );
  const prepareResubmissionWait = prepare(S.PrepareResubmissionWait, 'await-submission', sfn.JsonPath.numberAt('$.step.round'));
  const awaitResubmission = callbackTask(scope, S.AwaitResubmission, fns['await-submission'], { ...ids, round }, { resultPath: '$.submission', timeoutSecondsPath });
  // 签收: the rectification notice's own ladder rides on the resubmission wait, which reads the record at least
  // daily and (PrepareResubmissionWait's timeout) at each rung's instant. Before each read, the rungs that came
  // due go out while the notice is unsigned and unanswered; the handler decides, the ledger sends each once. A
  // resubmission or the rectification deadline ends the wait, and with it the ladder (see core/use-cases/signing.ts).
  const escalateIfUnsigned = sendOrReport(S.EscalateIfUnsigned, S.ReportSigningEscalationFailure, {
    kind: 'signing-escalation',
    round: sfn.JsonPath.numberAt('$.step.returnedRound'),
  });
  escalateIfUnsigned.then(prepareResubmissionWait);
  awaitResubmission.addCatch(escalateIfUnsigned.task, readAgain);

  prepareSubmissionWait.next(expiredThen(S.IsSelfAssessmentMissing, recordNotSubmitted, awaitSelfAssessment));
  awaitSelfAssessment.next(prepareReviewRound);
  prepareReviewRound.next(expiredThen(S.IsReviewOverdue, recordReviewOverdue, awaitReviewDecision));
  prepareResubmissionWait.next(expiredThen(S.IsResubmissionMissing, recordRectificationMissed, awaitResubmission));
  awaitResubmission.next(prepareReviewRound);

  const hasRoundsLeft = sfn.Choice.jsonPath(scope, S.HasRoundsLeft)
    .when(sfn.Condition.booleanEquals('$.step.exhausted', true), recordNotQualified)
    .otherwise(escalateIfUnsigned.task);
  const isApproved = sfn.Choice.jsonPath(scope, S.IsApproved)
    .when(sfn.Condition.stringEquals('$.decision.outcome', 'approved'), recordQualified)
    .otherwise(issueRectification.next(hasRoundsLeft));
  awaitReviewDecision.next(isApproved);

  const review = waitUntil(S.WaitForReviewOpening, '$.schedule.review.opensAt').next(prepareSubmissionWait);

  // ---- 4. Cross-inspection (交叉检查): at each window's draw instant, the unit's sample (only its own window draws) ----
  // A draw that fails after its retries is never silent: ReportInspectionDrawFailure records it (the sample view and
  // the dashboard show it), tells the office once, and answers the next attempt's instant (hourly for a day, then
  // daily, while the window is open: core/inspection/draw-retry.ts); the draw runs again at it. No attempt left: the
  // office was told the unit could not be drawn, and the branch ends. The sample is still recorded once by whichever
  // attempt succeeds, and never redrawn. If even the report fails, the branch ends (a restart draws again at once).
  const window = { ...ids, windowId: at('$.window.windowId') };
  const drawSample = invokeTask(scope, S.DrawInspectionSample, fns['draw-inspection-sample'], window, { resultPath: DISCARD });
  const reportDrawFailure = invokeTask(
    scope,
    S.ReportInspectionDrawFailure,
    fns['draw-inspection-sample'],
    { ...window, failed: { error: at('$.failure.Error') } },
    { resultPath: '$.retry' },
  );
  const reportSkipped = sfn.Pass.jsonPath(scope, S.ReportInspectionDrawFailureSkipped);
  const givenUp = sfn.Pass.jsonPath(scope, S.InspectionDrawGivenUp);
  reportDrawFailure.addCatch(reportSkipped, { errors: [sfn.Errors.ALL], resultPath: DISCARD });
  drawSample.addCatch(reportDrawFailure, { errors: [sfn.Errors.ALL], resultPath: '$.failure' });
  reportDrawFailure.next(
    sfn.Choice.jsonPath(scope, S.IsDrawRetryLeft)
      .when(sfn.Condition.booleanEquals('$.retry.giveUp', true), givenUp)
      .otherwise(waitUntil(S.WaitForDrawRetry, '$.retry.retryAt').next(drawSample)),
  );
  // After the window's last day: what was found, to the unit (nothing when it has no drawn sample; the handler decides).
  const waitForResults = waitUntil(S.WaitForInspectionResultsTime, '$.window.resultAt');
  // Given up or unreported, the branch still reaches the results notice: a sample recorded by an attempt whose
  // emails then failed is told like any other (the handler sends nothing without a drawn sample).
  givenUp.next(waitForResults);
  reportSkipped.next(waitForResults);
  const sendResults = sendOrReport(S.SendInspectionResults, S.ReportInspectionResultsFailure, { kind: 'inspection-result', windowId: at('$.window.windowId') });
  waitForResults.next(sendResults.task);
  sendResults.then(sfn.Pass.jsonPath(scope, S.InspectionWindowDone));
  const forEachInspectionWindow = sfn.Map.jsonPath(scope, S.ForEachInspectionWindow, {
    itemsPath: '$.schedule.inspection.windows',
    itemSelector: { ...ids, window: at('$$.Map.Item.Value') },
    maxConcurrency: 0,
    resultPath: DISCARD,
  }).itemProcessor(waitUntil(S.WaitForInspectionDraw, '$.window.drawAt').next(drawSample).next(waitForResults));
  const inspection = sfn.Choice.jsonPath(scope, S.HasInspection)
    .when(sfn.Condition.isPresent('$.schedule.inspection'), forEachInspectionWindow)
    .otherwise(sfn.Pass.jsonPath(scope, S.NoInspection));

  // The notices and the review run side by side: the review opens at its own instant, whatever rungs of
  // an escalation ladder are still waiting.
  return sfn.Parallel.jsonPath(scope, S.RunUnitCycle, { resultPath: DISCARD })
    .branch(forEachPhase)
    .branch(review)
    .branch(inspection)
    .next(sfn.Succeed.jsonPath(scope, S.UnitCycleDone));
}
