/** State names of the UnitCycle state machine (unique across the whole definition, Map iterators included). */
export const UnitCycleState = {
  RunUnitCycle: 'RunUnitCycle',
  ForEachPhase: 'ForEachPhase',
  WaitForPhaseOpening: 'WaitForPhaseOpening',
  NotifyPhaseOpened: 'NotifyPhaseOpened',
  ReportPhaseNoticeFailure: 'ReportPhaseNoticeFailure',
  ForEachDeliverable: 'ForEachDeliverable',
  ForEachReminder: 'ForEachReminder',
  WaitForReminderTime: 'WaitForReminderTime',
  SendReminder: 'SendReminder',
  ReportReminderFailure: 'ReportReminderFailure',
  ForEachEscalationLevel: 'ForEachEscalationLevel',
  WaitForEscalationTime: 'WaitForEscalationTime',
  EscalateIfMissing: 'EscalateIfMissing',
  ReportEscalationFailure: 'ReportEscalationFailure',
  WaitForReviewOpening: 'WaitForReviewOpening',
  PrepareSubmissionWait: 'PrepareSubmissionWait',
  AwaitSelfAssessment: 'AwaitSelfAssessment',
  PrepareReviewRound: 'PrepareReviewRound',
  AwaitReviewDecision: 'AwaitReviewDecision',
  IsApproved: 'IsApproved',
  IssueRectification: 'IssueRectification',
  HasRoundsLeft: 'HasRoundsLeft',
  AwaitResubmission: 'AwaitResubmission',
  RecordQualified: 'RecordQualified',
  RecordNotQualified: 'RecordNotQualified',
  RecordNotSubmitted: 'RecordNotSubmitted',
  RecordReviewOverdue: 'RecordReviewOverdue',
  RecordRectificationMissed: 'RecordRectificationMissed',
  ReviewSettled: 'ReviewSettled',
  UnitCycleDone: 'UnitCycleDone',
} as const;
export type UnitCycleStateName = (typeof UnitCycleState)[keyof typeof UnitCycleState];

/** The functions (folders under functions/) the UnitCycle's tasks invoke. */
export const UNIT_CYCLE_FUNCTIONS = [
  'send-unit-notice',
  'prepare-review-step',
  'await-submission',
  'request-review',
  'issue-rectification',
  'record-outcome',
] as const;
export type UnitCycleFunction = (typeof UNIT_CYCLE_FUNCTIONS)[number];
