import type { WorkflowEngine } from '../../ports';

/** Records starts, completions and stops; a name starts once and a token completes once, like Step Functions. */
export function makeMemoryWorkflow() {
  const started = new Map<string, unknown>();
  const completed = new Map<string, unknown>();
  /** Stopped unit executions: name -> cause. */
  const stopped = new Map<string, string>();
  const start = async (name: string, input: unknown) => {
    if (started.has(name)) return 'exists' as const;
    started.set(name, input);
    return 'started' as const;
  };
  const engine: WorkflowEngine & { started: typeof started; completed: typeof completed; stopped: typeof stopped } = {
    started,
    completed,
    stopped,
    startCycle: start,
    startUnit: start,
    async completeTask(token, output) {
      if (completed.has(token)) return 'gone';
      completed.set(token, output);
      return 'completed';
    },
    async completeCycleTask(token, output) {
      return engine.completeTask(token, output);
    },
    async stopUnit(name, cause) {
      if (!started.has(name) || stopped.has(name)) return 'not-running';
      stopped.set(name, cause);
      return 'stopped';
    },
  };
  return engine;
}
