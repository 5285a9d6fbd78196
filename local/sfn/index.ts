export { createLocalStepFunctions, SfnError } from './engine.js';
export type { LocalStepFunctions, LocalStepFunctionsOptions, LocalStateMachine, Counters, ExecutionStatus, SfnHistoryEvent } from './engine.js';
export { startSfnServer } from './server.js';
export type { SfnServer } from './server.js';
export { readPersistedClockTime } from './persistence.js';
export type { HistoryEvent } from './history.js';
