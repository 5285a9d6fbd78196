/**
 * Turns aws-local-stepfunctions' event stream into the history events AWS Step Functions would record,
 * so event counts (the 25,000-per-execution limit) and state transitions (billing) are measured locally.
 * The mapping is documented in ./README.md.
 */
import type { StateInfo } from './rewrite.js';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** Simulated ms since epoch. */
  timestamp: number;
  type: string;
  details?: Record<string, unknown>;
}

/** The subset of the library's EventLog we read (its types are not exported). */
export interface LibraryEvent {
  type: string;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  parentState?: { name: string };
  index?: number;
  Error?: string;
  Cause?: unknown;
}

const TIMEOUT_ERRORS = new Set(['States.Timeout', 'States.HeartbeatTimeout']);

const str = (v: unknown) => (v === undefined ? undefined : JSON.stringify(v));

export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  stateTransitions = 0;

  constructor(
    private readonly states: Map<string, StateInfo>,
    private readonly originalTypes: Map<string, string>,
    private readonly now: () => number,
    /** Keep full event objects (memory) or only count them. */
    private readonly keepEvents = true,
    private count = 0,
  ) {}

  get eventCount(): number {
    return this.count;
  }

  add(type: string, details?: Record<string, unknown>): void {
    this.count++;
    if (!this.keepEvents) return;
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: id - 1, timestamp: this.now(), type, details });
  }

  /** Task events use the Lambda* names for a bare function ARN (payloadResponseOnly), Task* for service integrations. */
  private taskPrefix(name: string): { prefix: 'LambdaFunction' | 'Task'; callback: boolean } {
    const info = this.states.get(name);
    if (info?.kind === 'task' && info.taskKind === 'lambda-arn') return { prefix: 'LambdaFunction', callback: false };
    return { prefix: 'Task', callback: info?.kind === 'task' && info.taskKind === 'lambda-callback' };
  }

  private taskStarted(name: string): void {
    const { prefix, callback } = this.taskPrefix(name);
    const info = this.states.get(name);
    const resource = info?.kind === 'task' ? info.resource : undefined;
    this.add(`${prefix}Scheduled`, { resource });
    this.add(`${prefix}Started`);
    if (callback) this.add('TaskSubmitted');
  }

  /** A Task attempt failed and the engine retries it (on the clock): the failure, then the next attempt's scheduling. */
  taskRetried(name: string, error: string, cause: string): void {
    const { prefix } = this.taskPrefix(name);
    this.add(`${prefix}${TIMEOUT_ERRORS.has(error) ? 'TimedOut' : 'Failed'}`, { error, cause });
    this.stateTransitions++;
    this.taskStarted(name);
  }

  onLibraryEvent(ev: LibraryEvent): void {
    const name = ev.state?.name;
    const type = name ? (this.originalTypes.get(name) ?? ev.state!.type) : undefined;
    switch (ev.type) {
      case 'StateEntered':
        this.stateTransitions++;
        this.add(`${type}StateEntered`, { name, input: str(ev.state!.input) });
        if (type === 'Task') this.taskStarted(name!);
        else if (type === 'Map') this.add('MapStateStarted');
        else if (type === 'Parallel') this.add('ParallelStateStarted');
        break;
      case 'StateExited':
        if (type === 'Task') this.add(`${this.taskPrefix(name!).prefix}Succeeded`, { output: str(ev.state!.output) });
        else if (type === 'Map' || type === 'Parallel') this.add(`${type}StateSucceeded`);
        this.add(`${type}StateExited`, { name, output: str(ev.state!.output) });
        break;
      case 'StateFailed': {
        const error = ev.Error;
        const cause = typeof ev.Cause === 'string' ? ev.Cause : str(ev.Cause);
        if (type === 'Task') {
          const { prefix } = this.taskPrefix(name!);
          const timedOut = TIMEOUT_ERRORS.has(String(error));
          this.add(`${prefix}${timedOut ? 'TimedOut' : 'Failed'}`, { error, cause });
        } else if (type === 'Map' || type === 'Parallel') {
          this.add(`${type}StateFailed`, { error, cause });
        }
        break;
      }
      case 'StateRetried':
        // AWS records no event for the retry itself, only the next attempt's scheduling; it bills a transition.
        this.stateTransitions++;
        if (type === 'Task') this.taskStarted(name!);
        break;
      case 'StateCaught':
        this.add(`${type}StateExited`, { name });
        break;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.add(ev.type, { name: ev.parentState?.name, index: ev.index });
        break;
      default:
        // ExecutionStarted/Succeeded/Failed/Aborted are recorded by the engine; Parallel branches have no AWS events.
        break;
    }
  }
}
