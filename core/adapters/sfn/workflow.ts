/**
 * WorkflowEngine on Step Functions: starts cycle and unit executions by name (the name makes a start
 * idempotent), completes callback tasks and stops unit executions by name.
 */
import { SendTaskSuccessCommand, StartExecutionCommand, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { DomainError, TransientError } from '../../errors';
import type { WorkflowEngine } from '../../ports';

export interface SfnWorkflowOptions {
  client: SFNClient;
  cycleStateMachineArn?: string;
  unitStateMachineArn?: string;
}

interface AwsError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}
const asAws = (err: unknown): AwsError => (typeof err === 'object' && err !== null ? (err as AwsError) : {});

const TRANSIENT = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'ServiceUnavailable', 'InternalFailure']);
/** The task is over (finished, timed out, stopped) or the token is not one: nothing to complete. */
const TASK_GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);
/** Nothing to stop: no execution by that name (the local twin also answers ExecutionNotRunning for a closed one). */
const NOT_RUNNING = new Set(['ExecutionDoesNotExist', 'ExecutionNotRunning']);

/** An execution's ARN from its state machine's: `...:stateMachine:<sm>` -> `...:execution:<sm>:<name>`. */
export const executionArnOf = (stateMachineArn: string, name: string) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

export function translateSfnError(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const e = asAws(err);
  const status = e.$metadata?.httpStatusCode ?? 0;
  if ((e.name && TRANSIENT.has(e.name)) || status >= 500) {
    return new TransientError(
      { zh: '流程服务暂时不可用，稍后重试', en: `Step Functions is temporarily unavailable (${e.name ?? status})` },
      { cause: e.name, status },
    );
  }
  return err;
}

export function makeSfnWorkflow({ client, cycleStateMachineArn, unitStateMachineArn }: SfnWorkflowOptions): WorkflowEngine {
  async function start(arn: string | undefined, which: string, name: string, input: unknown): Promise<'started' | 'exists'> {
    if (!arn) throw new Error(`makeSfnWorkflow: no ${which} state machine ARN was configured`);
    try {
      await client.send(new StartExecutionCommand({ stateMachineArn: arn, name, input: JSON.stringify(input) }));
      return 'started';
    } catch (err) {
      // Same name: running with another input, or already closed. Either way this execution is taken.
      if (asAws(err).name === 'ExecutionAlreadyExists') return 'exists';
      throw translateSfnError(err);
    }
  }

  // A task token names its execution: the same SendTaskSuccess completes a YearlyCycle task, under its own grant.
  const complete = (token: string, output: unknown) => engine.completeTask(token, output);
  const engine: WorkflowEngine = {
    startCycle: (executionName, input) => start(cycleStateMachineArn, 'cycle', executionName, input),
    startUnit: (executionName, input) => start(unitStateMachineArn, 'unit', executionName, input),
    completeCycleTask: (token, output) => complete(token, output),
    async completeTask(token, output) {
      try {
        await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output ?? null) }));
        return 'completed';
      } catch (err) {
        if (TASK_GONE.has(asAws(err).name ?? '')) return 'gone';
        throw translateSfnError(err);
      }
    },
    async stopUnit(executionName, cause) {
      if (!unitStateMachineArn) throw new Error('makeSfnWorkflow: no unit state machine ARN was configured');
      try {
        await client.send(
          new StopExecutionCommand({ executionArn: executionArnOf(unitStateMachineArn, executionName), error: 'Restarted', cause }),
        );
        return 'stopped';
      } catch (err) {
        if (NOT_RUNNING.has(asAws(err).name ?? '')) return 'not-running';
        throw translateSfnError(err);
      }
    },
  };
  return engine;
}
