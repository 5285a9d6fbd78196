import type { WorkflowEngine } from '../../ports';

/** Records starts and completions; a name starts once and a token completes once, like Step Functions. */
export function makeMemoryWorkflow() {
  const started = new Map<string, unknown>();
  const completed = new Map<string, unknown>();
  const start = async (name: string, input: unknown) => {
    if (started.has(name)) return 'exists' as const;
    started.set(name, input);
    return 'started' as const;
  };
  const engine: WorkflowEngine & { started: typeof started; completed: typeof completed } = {
    started,
    completed,
    startCycle: start,
    startUnit: start,
    async completeTask(token, output) {
      if (completed.has(token)) return 'gone';
      completed.set(token, output);
      return 'completed';
    },
  };
  return engine;
}
