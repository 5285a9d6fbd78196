/** Atomic, debounced JSON persistence of executions and the clock's time (write temp + rename). */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface PersistedExecution {
  executionArn: string;
  name: string;
  stateMachineArn: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  counters: { stateTransitions: number; historyEvents: number; lambdaInvocations: number };
}

export interface PersistedState {
  version: 1;
  /** The SimClock's time when the file was written (ms since epoch); restart the clock from here. */
  clockTime: number;
  executions: PersistedExecution[];
}

export function loadState(file: string): PersistedState | undefined {
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as PersistedState;
  if (state.version !== 1 || !Array.isArray(state.executions)) throw new Error(`${file} is not a local Step Functions data file`);
  return state;
}

/** The clock time saved in a data file, so a restarted twin can create its clock there (undefined if no file). */
export function readPersistedClockTime(file: string): number | undefined {
  return loadState(file)?.clockTime;
}

function writeAtomic(file: string, state: PersistedState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

const DEBOUNCE_MS = 25;

export function createPersister(file: string, snapshot: () => Omit<PersistedState, 'version'>) {
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  const write = () => {
    timer = undefined;
    if (!disposed) writeAtomic(file, { version: 1, ...snapshot() });
  };
  return {
    schedule(): void {
      if (disposed || timer) return;
      // A real timer, deliberately not on the SimClock: persistence is not simulated work.
      timer = setTimeout(write, DEBOUNCE_MS);
      timer.unref();
    },
    async flush(): Promise<void> {
      if (timer) clearTimeout(timer);
      write();
    },
    dispose(): void {
      if (timer) clearTimeout(timer);
      timer = undefined;
      disposed = true;
    },
  };
}
