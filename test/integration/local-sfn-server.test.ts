import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock, type SimClock } from '../../local/clock.js';
import { createLocalStepFunctions, startSfnServer, type LocalStepFunctions, type SfnServer } from '../../local/sfn/index.js';

const START = Date.parse('2026-01-01T00:00:00Z');
const SM_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Review';

// A review waits for a human decision through a callback; a Choice routes on it.
const definition = {
  StartAt: 'AwaitDecision',
  States: {
    AwaitDecision: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: 'arn:aws:lambda:cn-north-1:000000000000:function:RequestDecisionFn',
        Payload: { 'taskToken.$': '$$.Task.Token', 'unitId.$': '$.unitId' },
      },
      ResultPath: '$.decision',
      Catch: [{ ErrorEquals: ['ReviewRejectedError'], ResultPath: '$.error', Next: 'Rejected' }],
      Next: 'IsApproved',
    },
    IsApproved: {
      Type: 'Choice',
      Choices: [{ Variable: '$.decision.approved', BooleanEquals: true, Next: 'Approved' }],
      Default: 'Rejected',
    },
    Approved: { Type: 'Pass', Result: 'approved', ResultPath: '$.outcome', End: true },
    Rejected: { Type: 'Pass', Result: 'rejected', ResultPath: '$.outcome', End: true },
  },
};

describe('local Step Functions endpoint over HTTP with @aws-sdk/client-sfn', () => {
  let clock: SimClock;
  let engine: LocalStepFunctions;
  let server: SfnServer;
  let sfn: SFNClient;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    clock = createClock({ startAt: START, mode: { kind: 'simulated' } });
    engine = createLocalStepFunctions({
      clock,
      stateMachines: [{ name: 'Review', arn: SM_ARN, definition }],
      invokeFunction: async (_arn, payload) => {
        const p = payload as { taskToken: string; unitId: string };
        tokens.set(p.unitId, p.taskToken);
        return null;
      },
    });
    server = await startSfnServer(engine, { port: 0, host: '127.0.0.1' });
    sfn = new SFNClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterAll(async () => {
    sfn.destroy();
    await server.close();
    await engine.close();
    clock.stop();
  });

  const startReview = async (unitId: string) => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: SM_ARN, name: `review-${unitId}`, input: JSON.stringify({ unitId }) }),
    );
    await clock.runUntilIdle();
    return executionArn!;
  };

  it('completes a callback with SendTaskSuccess; a Choice uses its output', async () => {
    // Prepare
    const arn = await startReview('u1');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    // Act
    await sfn.send(new SendTaskSuccessCommand({ taskToken: tokens.get('u1'), output: JSON.stringify({ approved: true }) }));
    await clock.runUntilIdle();
    // Assess
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ unitId: 'u1', decision: { approved: true }, outcome: 'approved' });
    expect(d.startDate).toEqual(new Date(START));
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect(history.events!.map((e) => e.type)).toContain('TaskSubmitted');
    expect(history.events![1].stateEnteredEventDetails?.name).toBe('AwaitDecision');
  });

  it('answers TaskTimedOut for the token of a finished task, InvalidToken for an unknown one', async () => {
    const send = (taskToken: string) => sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));
    await expect(send(tokens.get('u1')!)).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(send('AQnot-a-token')).rejects.toMatchObject({ name: 'InvalidToken' });
  });

  it('fails a callback with SendTaskFailure, caught by its error name', async () => {
    const arn = await startReview('u2');
    await sfn.send(new SendTaskFailureCommand({ taskToken: tokens.get('u2'), error: 'ReviewRejectedError', cause: 'incomplete' }));
    await clock.runUntilIdle();
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(JSON.parse(d.output!)).toMatchObject({ outcome: 'rejected', error: { Error: 'ReviewRejectedError', Cause: 'incomplete' } });
  });

  it('maps service errors to the SDK error names', async () => {
    await expect(
      sfn.send(new DescribeExecutionCommand({ executionArn: `${SM_ARN.replace('stateMachine', 'execution')}:missing` })),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist', $metadata: { httpStatusCode: 400 } });
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: SM_ARN, name: 'review-u1', input: JSON.stringify({ unitId: 'other' }) })),
    ).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `${SM_ARN}Nope`, input: '{}' })),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
  });

  it('stops, lists and describes over the wire', async () => {
    const arn = await startReview('u3');
    const { stopDate } = await sfn.send(new StopExecutionCommand({ executionArn: arn, cause: 'withdrawn' }));
    expect(stopDate).toBeInstanceOf(Date);
    const aborted = await sfn.send(new ListExecutionsCommand({ stateMachineArn: SM_ARN, statusFilter: 'ABORTED' }));
    expect(aborted.executions!.map((e) => e.name)).toEqual(['review-u3']);
    const machines = await sfn.send(new ListStateMachinesCommand({}));
    expect(machines.stateMachines!.map((m) => m.name)).toEqual(['Review']);
    const sm = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: SM_ARN }));
    expect(JSON.parse(sm.definition!)).toEqual(definition);
  });
  it('refuses request parameters out of AWS\'s bounds with a ValidationException, as the service words it', async () => {
    // The AWS CLI sends these as typed: nothing client-side stops an invalid enum or a maxResults over 1,000.
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: SM_ARN, statusFilter: 'FINISHED' as 'RUNNING' }))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
      message:
        "1 validation error detected: Value 'FINISHED' at 'statusFilter' failed to satisfy constraint: " +
        'Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]',
    });
    await expect(sfn.send(new ListExecutionsCommand({ stateMachineArn: SM_ARN, maxResults: 1001, statusFilter: 'DONE' as 'RUNNING' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(
        /^2 validation errors detected: Value 'DONE' at 'statusFilter' failed .*; Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000$/,
      ),
    });
    await expect(sfn.send(new GetExecutionHistoryCommand({ executionArn: undefined as unknown as string }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null",
    });
    await expect(sfn.send(new ListExecutionsCommand({}))).rejects.toMatchObject({ name: 'ValidationException', message: 'Must provide a StateMachine ARN or a MapRun ARN' });
    // Within bounds it still answers.
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: SM_ARN, maxResults: 1000 }))).executions).toBeDefined();
  });

  it('counts an execution\'s input in UTF-8 bytes: 100,000 Chinese characters (300,000 bytes) are over 256 KiB', async () => {
    const chinese = JSON.stringify({ unitId: 'u9', note: '传'.repeat(100_000) });
    expect(chinese.length).toBeLessThan(262_144);
    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn: SM_ARN, name: 'review-u9', input: chinese }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/^1 validation error detected: Value '.{64}…' at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144$/),
    });
    expect((await sfn.send(new ListExecutionsCommand({ stateMachineArn: SM_ARN }))).executions!.map((e) => e.name)).not.toContain('review-u9');
  });

  it('answers an operation it does not serve with UnknownOperationException at once, even one named like an object property', async () => {
    for (const op of ['CreateActivity', 'toString', 'constructor', '__proto__']) {
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'x-amz-target': `AWSStepFunctions.${op}`, 'content-type': 'application/x-amz-json-1.0' },
        body: '{}',
      });
      expect(res.status, op).toBe(400);
      expect(((await res.json()) as { __type: string }).__type.split('#').pop(), op).toBe('UnknownOperationException');
    }
  });
});
