import 'aws-sdk-client-mock-vitest/extend';
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidToken,
  SFNClient,
  SFNServiceException,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeSfnWorkflow } from '../../core/adapters/sfn/workflow';
import { TransientError } from '../../core/errors';

const sfn = mockClient(SFNClient);
const client = new SFNClient({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const CYCLE_ARN = 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:cycle';
const UNIT_ARN = 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:unit';
const workflow = () => makeSfnWorkflow({ client, cycleStateMachineArn: CYCLE_ARN, unitStateMachineArn: UNIT_ARN });

beforeEach(() => {
  sfn.reset();
});

describe('makeSfnWorkflow', () => {
  it('stops a unit execution by name: its ARN is the state machine ARN with :execution: and the name', async () => {
    // Prepare
    sfn.on(StopExecutionCommand).resolves({ stopDate: new Date() });

    // Act
    const result = await workflow().stopUnit('nanping-2016--songxi', 'extension granted');

    // Assess
    expect(result).toBe('stopped');
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StopExecutionCommand, {
      executionArn: 'arn:aws-cn:states:cn-north-1:123456789012:execution:unit:nanping-2016--songxi',
      error: 'Restarted',
      cause: 'extension granted',
    });
  });

  it('answers "not-running" when there is no such execution', async () => {
    // Prepare
    sfn.on(StopExecutionCommand).rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));

    // Act
    const result = await workflow().stopUnit('nanping-2016--nowhere', 'extension granted');

    // Assess
    expect(result).toBe('not-running');
  });

  it('starts a cycle execution by name with JSON input', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });

    // Act
    const result = await workflow().startCycle('nanping-2016', { cycleId: 'nanping-2016' });

    // Assess
    expect(result).toBe('started');
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(StartExecutionCommand, {
      stateMachineArn: CYCLE_ARN,
      name: 'nanping-2016',
      input: '{"cycleId":"nanping-2016"}',
    });
  });

  it('answers "exists" when an execution with that name exists', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    // Act
    const result = await workflow().startUnit('nanping-2016-yanping', { cycleId: 'nanping-2016', unitId: 'yanping' });

    // Assess
    expect(result).toBe('exists');
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: UNIT_ARN, name: 'nanping-2016-yanping' });
  });

  it('refuses to start without a state machine ARN', async () => {
    // Prepare
    const engine = makeSfnWorkflow({ client, cycleStateMachineArn: CYCLE_ARN });

    // Act
    const starting = engine.startUnit('x', {});

    // Assess
    await expect(starting).rejects.toThrow(/no unit state machine ARN/);
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('completes a task with its output as JSON', async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).resolves({});

    // Act
    const result = await workflow().completeTask('token-1', { version: 2 });

    // Assess
    expect(result).toBe('completed');
    expect(sfn).toHaveReceivedCommandExactlyOnceWith(SendTaskSuccessCommand, { taskToken: 'token-1', output: '{"version":2}' });
  });

  it.each([
    new TaskTimedOut({ message: 'timed out', $metadata: {} }),
    new TaskDoesNotExist({ message: 'gone', $metadata: {} }),
    new InvalidToken({ message: 'bad token', $metadata: {} }),
  ])('answers "gone" for $name', async (error) => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).rejects(error);

    // Act
    const result = await workflow().completeTask('token-1', {});

    // Assess
    expect(result).toBe('gone');
  });

  it('maps throttling to TransientError', async () => {
    // Prepare
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));

    // Act
    const completing = workflow().completeTask('token-1', {});

    // Assess
    await expect(completing).rejects.toBeInstanceOf(TransientError);
  });
});
