/** State names of the UnitCycle state machine (unique across the whole definition, Map iterators included). */
export const UnitCycleState = {
  RunUnitCycle: 'RunUnitCycle',
  ForEachPhase: 'ForEachPhase',
  WaitForPhaseOpening: 'WaitForPhaseOpening',
  NotifyPhaseOpened: 'NotifyPhaseOpened',
  ReportPhaseNoticeFailure: 'ReportPhaseNoticeFailure',
  /** The failure could not be reported either: the cycle goes on regardless. */
  ReportPhaseNoticeFailureSkipped: 'ReportPhaseNoticeFailureSkipped',
  ForEachDeliverable: 'ForEachDeliverable',
  ForEachReminder: 'ForEachReminder',
  WaitForReminderTime: 'WaitForReminderTime',
  SendReminder: 'SendReminder',
  ReportReminderFailure: 'ReportReminderFailure',
  /** The failure could not be reported either: the cycle goes on regardless. */
  ReportReminderFailureSkipped: 'ReportReminderFailureSkipped',
  ForEachEscalationLevel: 'ForEachEscalationLevel',
  WaitForEscalationTime: 'WaitForEscalationTime',
  EscalateIfMissing: 'EscalateIfMissing',
  ReportEscalationFailure: 'ReportEscalationFailure',
  /** The failure could not be reported either: the cycle goes on regardless. */
  ReportEscalationFailureSkipped: 'ReportEscalationFailureSkipped',
  WaitForReviewOpening: 'WaitForReviewOpening',
  PrepareSubmissionWait: 'PrepareSubmissionWait',
  /** The review's end passed and the record has no report: not submitted. */
  IsSelfAssessmentMissing: 'IsSelfAssessmentMissing',
  AwaitSelfAssessment: 'AwaitSelfAssessment',
  PrepareReviewRound: 'PrepareReviewRound',
  /** The review's end passed and the record has no decision of this round: overdue. */
  IsReviewOverdue: 'IsReviewOverdue',
  AwaitReviewDecision: 'AwaitReviewDecision',
  IsApproved: 'IsApproved',
  IssueRectification: 'IssueRectification',
  HasRoundsLeft: 'HasRoundsLeft',
  /**
   * Before each read of the record in the resubmission wait (and at each rung's instant): the rungs of the
   * rectification notice's 签收 ladder that came due while it stays unsigned and unanswered.
   */
  EscalateIfUnsigned: 'EscalateIfUnsigned',
  ReportSigningEscalationFailure: 'ReportSigningEscalationFailure',
  /** The failure could not be reported either: the cycle goes on regardless. */
  ReportSigningEscalationFailureSkipped: 'ReportSigningEscalationFailureSkipped',
  PrepareResubmissionWait: 'PrepareResubmissionWait',
  /** The rectification deadline passed and the record has no resubmission: rectification missed. */
  IsResubmissionMissing: 'IsResubmissionMissing',
  AwaitResubmission: 'AwaitResubmission',
  RecordQualified: 'RecordQualified',
  RecordNotQualified: 'RecordNotQualified',
  RecordNotSubmitted: 'RecordNotSubmitted',
  RecordReviewOverdue: 'RecordReviewOverdue',
  RecordRectificationMissed: 'RecordRectificationMissed',
  /** The outcome notice (初评结果通知) waits for `noticeAt`: the next sending morning when a deadline gave the outcome. */
  WaitForOutcomeNoticeTime: 'WaitForOutcomeNoticeTime',
  SendOutcomeNotice: 'SendOutcomeNotice',
  ReportOutcomeNoticeFailure: 'ReportOutcomeNoticeFailure',
  /** The failure could not be reported either: the cycle goes on regardless. */
  ReportOutcomeNoticeFailureSkipped: 'ReportOutcomeNoticeFailureSkipped',
  /** After the outcome notice: a missed rectification deadline climbs its escalation ladder. */
  IsRectificationMissed: 'IsRectificationMissed',
  ForEachRectificationEscalation: 'ForEachRectificationEscalation',
  WaitForRectificationEscalationTime: 'WaitForRectificationEscalationTime',
  EscalateMissedRectification: 'EscalateMissedRectification',
  ReportRectificationEscalationFailure: 'ReportRectificationEscalationFailure',
  /** The failure could not be reported either: the cycle goes on regardless. */
  ReportRectificationEscalationFailureSkipped: 'ReportRectificationEscalationFailureSkipped',
  ReviewSettled: 'ReviewSettled',
  /** Cross-inspection (issue 10): only when the schedule has inspection windows. */
  HasInspection: 'HasInspection',
  NoInspection: 'NoInspection',
  ForEachInspectionWindow: 'ForEachInspectionWindow',
  /** The window's announced draw instant (its first day at inspection.drawAt, Beijing). */
  WaitForInspectionDraw: 'WaitForInspectionDraw',
  DrawInspectionSample: 'DrawInspectionSample',
  /** 交叉检查结果通知: the first sending morning after the window's last day (`resultAt`). */
  WaitForInspectionResultsTime: 'WaitForInspectionResultsTime',
  SendInspectionResults: 'SendInspectionResults',
  ReportInspectionResultsFailure: 'ReportInspectionResultsFailure',
  /** The failure could not be reported either: the cycle goes on regardless. */
  ReportInspectionResultsFailureSkipped: 'ReportInspectionResultsFailureSkipped',
  InspectionWindowDone: 'InspectionWindowDone',
  /**
   * The draw failed after its retries: the failure is recorded (GET …/sample and the dashboard show it), the office
   * told once, and the next attempt's instant answered (core/inspection/draw-retry.ts).
   */
  ReportInspectionDrawFailure: 'ReportInspectionDrawFailure',
  /** The failure could not be reported either: the branch ends (a restarted execution draws again at once). */
  ReportInspectionDrawFailureSkipped: 'ReportInspectionDrawFailureSkipped',
  /** An attempt left while the window is open: wait for it; none: the office was told the unit could not be drawn. */
  IsDrawRetryLeft: 'IsDrawRetryLeft',
  WaitForDrawRetry: 'WaitForDrawRetry',
  InspectionDrawGivenUp: 'InspectionDrawGivenUp',
  UnitCycleDone: 'UnitCycleDone',
} as const;
/** Task states that report a notice's delivery failure to the city office. */
export type UnitCycleReportState =
  | 'ReportPhaseNoticeFailure'
  | 'ReportReminderFailure'
  | 'ReportEscalationFailure'
  | 'ReportRectificationEscalationFailure'
  | 'ReportSigningEscalationFailure'
  | 'ReportOutcomeNoticeFailure'
  | 'ReportInspectionResultsFailure';
export type UnitCycleStateName = (typeof UnitCycleState)[keyof typeof UnitCycleState];

/** The functions (folders under functions/) the UnitCycle's tasks invoke. */
export const UNIT_CYCLE_FUNCTIONS = [
  'send-unit-notice',
  'prepare-review-step',
  'await-submission',
  'request-review',
  'issue-rectification',
  'record-outcome',
  'draw-inspection-sample',
] as const;
export type UnitCycleFunction = (typeof UNIT_CYCLE_FUNCTIONS)[number];
