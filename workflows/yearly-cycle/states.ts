/** State names of the YearlyCycle state machine (the twin and the tests key on them). */
export const YearlyCycleState = {
  RegisterCycle: 'RegisterCycle',
  InitialiseStartCursor: 'InitialiseStartCursor',
  StartUnitWorkflows: 'StartUnitWorkflows',
  MoreUnitsToStart: 'MoreUnitsToStart',
  // 上报确认: the running office confirms the list before it goes up.
  WaitForConfirmationRequestTime: 'WaitForConfirmationRequestTime',
  RequestListConfirmation: 'RequestListConfirmation',
  PrepareConfirmationWait: 'PrepareConfirmationWait',
  IsListConfirmed: 'IsListConfirmed',
  AwaitListConfirmation: 'AwaitListConfirmation',
  WaitForForwardingDate: 'WaitForForwardingDate',
  // The year's documents in a task of their own (a longer timeout, no mail), before the one that mails them.
  GenerateYearDocuments: 'GenerateYearDocuments',
  ForwardToProvince: 'ForwardToProvince',
  CloseCycle: 'CloseCycle',
  CycleClosed: 'CycleClosed',
} as const;
export type YearlyCycleStateName = (typeof YearlyCycleState)[keyof typeof YearlyCycleState];

/** The functions (folders under functions/) the YearlyCycle's tasks invoke. */
export const YEARLY_CYCLE_FUNCTIONS = [
  'register-cycle', 'start-unit-workflows', 'generate-year-documents', 'forward-to-province', 'close-cycle',
  'request-list-confirmation', 'prepare-confirmation-wait', 'await-list-confirmation',
] as const;
export type YearlyCycleFunction = (typeof YEARLY_CYCLE_FUNCTIONS)[number];
