import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClock } from '../../local/clock.js';
import { createLocalStepFunctions, readPersistedClockTime } from '../../local/sfn/index.js';

const START = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86_400_000;
const SM_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:Cycle';
const fnArn = (name: string) => `arn:aws:lambda:cn-north-1:000000000000:function:${name}`;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

type Invoke = (arn: string, payload: unknown) => Promise<unknown>;

function setup(definition: object, invokeFunction: Invoke, extra: { dataFile?: string; startAt?: number } = {}) {
  const clock = createClock({ startAt: extra.startAt ?? START, mode: { kind: 'simulated' } });
  const engine = createLocalStepFunctions({
    clock,
    stateMachines: [{ name: 'Cycle', arn: SM_ARN, definition }],
    invokeFunction,
    dataFile: extra.dataFile,
  });
  const start = async (input: unknown, name?: string) =>
    (await engine.startExecution({ stateMachineArn: SM_ARN, input: JSON.stringify(input), name })).executionArn;
  return { clock, engine, start };
}

const noop: Invoke = async (_arn, payload) => payload;

describe('local Step Functions engine', () => {
  it('completes a Wait with TimestampPath a year ahead at once and lands the clock on it', async () => {
    // Prepare
    const yearLater = START + 365 * DAY;
    const { clock, engine, start } = setup(
      { StartAt: 'WaitForYearEnd', States: { WaitForYearEnd: { Type: 'Wait', TimestampPath: '$.until', End: true } } },
      noop,
    );
    // Act
    const arn = await start({ until: iso(yearLater), keep: 'me' });
    await clock.runUntilIdle();
    // Assess
    const d = await engine.describeExecution({ executionArn: arn });
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ until: iso(yearLater), keep: 'me' });
    expect(clock.now()).toBe(yearLater);
    expect(d.stopDate!.getTime()).toBe(yearLater);
  });

  it('evaluates a type test negated with false ("IsNull": false) as AWS does: "is not null"', async () => {
    // aws-local-stepfunctions alone evaluates it as always false; the twin's rewrite fixes that.
    const { clock, engine, start } = setup(
      {
        StartAt: 'MoreToDo',
        States: {
          MoreToDo: {
            Type: 'Choice',
            Choices: [
              { Variable: '$.cursor', IsNull: false, Next: 'More' },
              { And: [{ Variable: '$.flag', IsPresent: false }, { Variable: '$.cursor', IsNull: true }], Next: 'Done' },
            ],
            Default: 'Other',
          },
          More: { Type: 'Pass', Result: 'more', End: true },
          Done: { Type: 'Pass', Result: 'done', End: true },
          Other: { Type: 'Pass', Result: 'other', End: true },
        },
      },
      noop,
    );
    const a = await start({ cursor: 'u0100' });
    const b = await start({ cursor: null });
    await clock.runUntilIdle();
    expect(JSON.parse((await engine.describeExecution({ executionArn: a })).output!)).toBe('more');
    expect(JSON.parse((await engine.describeExecution({ executionArn: b })).output!)).toBe('done');
  });

  it('runs an inline Map with MaxConcurrency 1 over 3 items, each waiting, one after another', async () => {
    const seen: Array<{ item: number; at: number }> = [];
    const { clock, engine, start } = setup(
      {
        StartAt: 'NotifyUnits',
        States: {
          NotifyUnits: {
            Type: 'Map',
            ItemsPath: '$.units',
            MaxConcurrency: 1,
            ItemProcessor: {
              ProcessorConfig: { Mode: 'INLINE' },
              StartAt: 'WaitOneDay',
              States: {
                WaitOneDay: { Type: 'Wait', Seconds: 86_400, Next: 'SendUnitNotice' },
                SendUnitNotice: { Type: 'Task', Resource: fnArn('SendUnitNoticeFn'), End: true },
              },
            },
            End: true,
          },
        },
      },
      async (_arn, payload) => {
        seen.push({ item: (payload as { id: number }).id, at: clock.now() });
        return { sent: (payload as { id: number }).id };
      },
    );
    const arn = await start({ units: [{ id: 1 }, { id: 2 }, { id: 3 }] });
    await clock.runUntilIdle();
    const d = await engine.describeExecution({ executionArn: arn });
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual([{ sent: 1 }, { sent: 2 }, { sent: 3 }]);
    expect(seen).toEqual([
      { item: 1, at: START + DAY },
      { item: 2, at: START + 2 * DAY },
      { item: 3, at: START + 3 * DAY },
    ]);
  });

  it('times out a callback task via TimeoutSecondsPath on the sim clock; Catch States.Timeout takes it', async () => {
    let token = '';
    const { clock, engine, start } = setup(
      {
        StartAt: 'WaitForReview',
        States: {
          WaitForReview: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: fnArn('RequestReviewFn'), Payload: { 'taskToken.$': '$$.Task.Token' } },
            TimeoutSecondsPath: '$.reviewSeconds',
            // States.TaskFailed must NOT match a timeout, like AWS.
            Catch: [
              { ErrorEquals: ['States.TaskFailed'], Next: 'Failed' },
              { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'MarkOverdue' },
            ],
            End: true,
          },
          MarkOverdue: { Type: 'Pass', End: true },
          Failed: { Type: 'Fail', Error: 'Unexpected' },
        },
      },
      async (_arn, payload) => {
        token = (payload as { taskToken: string }).taskToken;
        return null;
      },
    );
    const arn = await start({ reviewSeconds: 7 * 86_400 });
    await clock.runUntilIdle();
    const d = await engine.describeExecution({ executionArn: arn });
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!).timeout.Error).toBe('States.Timeout');
    expect(clock.now()).toBe(START + 7 * DAY);
    expect(token).toMatch(/^AQ/);
    await expect(engine.sendTaskSuccess({ taskToken: token, output: '{}' })).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(engine.sendTaskSuccess({ taskToken: 'nope', output: '{}' })).rejects.toMatchObject({ name: 'InvalidToken' });
    const types = (await engine.getExecutionHistory({ executionArn: arn })).events.map((e) => e.type);
    expect(types).toContain('TaskTimedOut');
  });

  it('fails a task with the Lambda error name and a Lambda-like Cause, caught by name', async () => {
    class InvalidTaskInputError extends Error {
      override name = 'InvalidTaskInputError';
    }
    const { clock, engine, start } = setup(
      {
        StartAt: 'ValidateSubmission',
        States: {
          ValidateSubmission: {
            Type: 'Task',
            Resource: fnArn('ValidateSubmissionFn'),
            Catch: [{ ErrorEquals: ['InvalidTaskInputError'], ResultPath: '$.error', Next: 'Rejected' }],
            End: true,
          },
          Rejected: { Type: 'Pass', End: true },
        },
      },
      async () => {
        throw new InvalidTaskInputError('unit id missing');
      },
    );
    const arn = await start({ a: 1 });
    await clock.runUntilIdle();
    const out = JSON.parse((await engine.describeExecution({ executionArn: arn })).output!);
    expect(out.error.Error).toBe('InvalidTaskInputError');
    expect(JSON.parse(out.error.Cause)).toMatchObject({ errorType: 'InvalidTaskInputError', errorMessage: 'unit id missing' });
    expect(out.a).toBe(1);
  });

  it('fails the execution with States.DataLimitExceeded when a task returns more than 256 KiB, which not even States.ALL catches', async () => {
    const { clock, engine, start } = setup(
      {
        StartAt: 'ReadEverything',
        States: {
          ReadEverything: {
            Type: 'Task',
            Resource: fnArn('ReadEverythingFn'),
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      },
      async (_arn, payload) => ((payload as { big: boolean }).big ? { rows: 'x'.repeat(256 * 1024) } : { rows: 'x'.repeat(256 * 1024 - 20) }),
    );
    const big = await start({ big: true });
    const atLimit = await start({ big: false }, 'at-the-limit');
    await clock.runUntilIdle();
    expect(await engine.describeExecution({ executionArn: big })).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect((await engine.describeExecution({ executionArn: big })).cause).toContain("'ReadEverything'");
    expect(await engine.describeExecution({ executionArn: atLimit })).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('fails the execution with States.DataLimitExceeded when a task\'s input after Parameters passes 256 KiB, before invoking anything', async () => {
    let calls = 0;
    const { clock, engine, start } = setup(
      {
        StartAt: 'Doubled',
        States: {
          Doubled: {
            Type: 'Task',
            Resource: fnArn('DoubledFn'),
            Parameters: { 'a.$': '$.s', 'b.$': '$.s' },
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      },
      async () => {
        calls++;
        return {};
      },
    );
    // 150 KiB in: fine as an execution's input, 300 KiB once Parameters doubles it.
    const arn = await start({ s: 'x'.repeat(150 * 1024) });
    await clock.runUntilIdle();
    const d = await engine.describeExecution({ executionArn: arn });
    expect(d).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(d.cause).toContain("'Doubled' has an input");
    expect(calls).toBe(0);
  });

  it('fails the execution with the Lambda error when nothing catches it, after its retries waited out on the clock', async () => {
    let calls = 0;
    const { clock, engine, start } = setup(
      {
        StartAt: 'Flaky',
        States: {
          Flaky: {
            Type: 'Task',
            Resource: fnArn('FlakyFn'),
            Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 3600, MaxAttempts: 2 }],
            End: true,
          },
        },
      },
      async () => {
        calls++;
        throw new TypeError('boom');
      },
    );
    const startedAt = clock.now();
    const arn = await start({});
    await clock.runUntilIdle();
    const d = await engine.describeExecution({ executionArn: arn });
    expect(d).toMatchObject({ status: 'FAILED', error: 'TypeError' });
    expect(calls).toBe(3);
    // 3,600 s, then 7,200 s (BackoffRate 2 by default), on the simulated clock.
    expect(d.stopDate!.getTime() - startedAt).toBeGreaterThanOrEqual(10_800_000);
    const types = (await engine.getExecutionHistory({ executionArn: arn })).events.map((e) => e.type);
    expect(types.filter((t) => t === 'LambdaFunctionFailed')).toHaveLength(3);
    expect(types.at(-1)).toBe('ExecutionFailed');
  });

  it('wraps lambda:invoke results as {Payload, StatusCode} and passes FunctionName/Payload', async () => {
    const calls: Array<[string, unknown]> = [];
    const { clock, engine, start } = setup(
      {
        StartAt: 'Invoke',
        States: {
          Invoke: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: fnArn('F'), 'Payload.$': '$.body' },
            ResultSelector: { 'r.$': '$.Payload', 'code.$': '$.StatusCode' },
            End: true,
          },
        },
      },
      async (arn, payload) => {
        calls.push([arn, payload]);
        return { ok: true };
      },
    );
    const arn = await start({ body: { n: 1 } });
    await clock.runUntilIdle();
    expect(calls).toEqual([[fnArn('F'), { n: 1 }]]);
    expect(JSON.parse((await engine.describeExecution({ executionArn: arn })).output!)).toEqual({ r: { ok: true }, code: 200 });
  });

  it('stops a waiting execution: ABORTED, its sleep and callback settled, the token closed', async () => {
    let token = '';
    const { clock, engine, start } = setup(
      {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'LongWait', States: { LongWait: { Type: 'Wait', Seconds: 30 * 86_400, End: true } } },
              {
                StartAt: 'Callback',
                States: {
                  Callback: {
                    Type: 'Task',
                    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
                    Parameters: { FunctionName: 'Cb', Payload: { 't.$': '$$.Task.Token' } },
                    End: true,
                  },
                },
              },
            ],
            End: true,
          },
        },
      },
      async (_arn, p) => {
        token = (p as { t: string }).t;
        return null;
      },
    );
    const arn = await start({});
    await clock.runUntil(START + DAY);
    expect(clock.pendingTimers()).toBe(1);
    const { stopDate } = await engine.stopExecution({ executionArn: arn, error: 'Cancelled', cause: 'by test' });
    await engine.whenSettled(arn);
    const d = await engine.describeExecution({ executionArn: arn });
    expect(d).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'by test' });
    expect(stopDate.getTime()).toBe(START + DAY);
    expect(clock.pendingTimers()).toBe(0);
    await expect(engine.sendTaskSuccess({ taskToken: token, output: '{}' })).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(engine.stopExecution({ executionArn: arn })).rejects.toMatchObject({ name: 'ExecutionNotRunning' });
  });

  it('counts history events and state transitions like AWS for a tiny machine', async () => {
    const { clock, engine, start } = setup(
      {
        StartAt: 'Prepare',
        States: {
          Prepare: { Type: 'Pass', Next: 'Notify' },
          Notify: { Type: 'Task', Resource: fnArn('NotifyFn'), Next: 'Pause' },
          Pause: { Type: 'Wait', Seconds: 60, Next: 'EachUnit' },
          EachUnit: {
            Type: 'Map',
            ItemsPath: '$.units',
            ResultPath: null,
            Iterator: { StartAt: 'Touch', States: { Touch: { Type: 'Pass', End: true } } },
            Next: 'IsDone',
          },
          IsDone: { Type: 'Choice', Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'Done' }], Default: 'Done' },
          Done: { Type: 'Succeed' },
        },
      },
      noop,
    );
    const arn = await start({ units: [1, 2], done: true });
    await clock.runUntilIdle();
    const { events } = await engine.getExecutionHistory({ executionArn: arn });
    // Hand count: start 1 + Pass 2 + Lambda task 5 + Wait 2 + Map (4 + 2 iterations x 4) + Choice 2 + Succeed 2 + end 1 = 27
    const expected = [
      'ExecutionStarted',
      'PassStateEntered', 'PassStateExited',
      'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited',
      'WaitStateEntered', 'WaitStateExited',
      'MapStateEntered', 'MapStateStarted',
      'MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded',
      'MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded',
      'MapStateSucceeded', 'MapStateExited',
      'ChoiceStateEntered', 'ChoiceStateExited',
      'SucceedStateEntered', 'SucceedStateExited',
      'ExecutionSucceeded',
    ];
    const types = events.map((e) => e.type);
    expect(types).toHaveLength(27);
    // Outside the Map the order is exact; iteration events are forwarded asynchronously, so compare them as a multiset.
    expect(types.slice(0, 12)).toEqual(expected.slice(0, 12));
    expect(types.slice(20)).toEqual(expected.slice(20));
    expect(types.slice(12, 20).sort()).toEqual(expected.slice(12, 20).sort());
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events[9].timestamp.getTime()).toBe(START + 60_000); // WaitStateExited at sim time
    const c = engine.counters();
    expect(c).toMatchObject({ executions: 1, historyEvents: 27, maxHistoryEventsPerExecution: 27, stateTransitions: 8, lambdaInvocations: 1 });
    expect(c.byStateMachine.Cycle.historyEvents).toBe(27);
    const reversed = await engine.getExecutionHistory({ executionArn: arn, reverseOrder: true, maxResults: 2 });
    expect(reversed.events.map((e) => e.type)).toEqual(['ExecutionSucceeded', 'SucceedStateExited']);
    expect(reversed.nextToken).toBeDefined();
  });

  it('enforces heartbeats on the sim clock and accepts SendTaskHeartbeat', async () => {
    let token = '';
    const { clock, engine, start } = setup(
      {
        StartAt: 'Work',
        States: {
          Work: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: { FunctionName: 'W', Payload: { 't.$': '$$.Task.Token' } },
            HeartbeatSeconds: 3600,
            Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.hb', Next: 'Late' }],
            End: true,
          },
          Late: { Type: 'Pass', End: true },
        },
      },
      async (_a, p) => {
        token = (p as { t: string }).t;
        return null;
      },
    );
    const arn = await start({});
    await clock.runUntil(START + 3000_000);
    await engine.sendTaskHeartbeat({ taskToken: token });
    await clock.runUntil(START + 6000_000); // would have expired at 3600 s without the heartbeat
    expect((await engine.describeExecution({ executionArn: arn })).status).toBe('RUNNING');
    await clock.runUntilIdle();
    const d = await engine.describeExecution({ executionArn: arn });
    expect(JSON.parse(d.output!).hb.Error).toBe('States.HeartbeatTimeout');
    expect(d.stopDate!.getTime()).toBe(START + 3000_000 + 3600_000);
  });

  it('enforces the top-level TimeoutSeconds on the sim clock', async () => {
    const { clock, engine, start } = setup(
      { TimeoutSeconds: 3600, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 86_400, End: true } } },
      noop,
    );
    const arn = await start({});
    await clock.runUntilIdle();
    const d = await engine.describeExecution({ executionArn: arn });
    expect(d).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(d.stopDate!.getTime()).toBe(START + 3600_000);
  });

  it('keeps execution names unique like AWS', async () => {
    const { clock, engine, start } = setup(
      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 10, End: true } } },
      noop,
    );
    const a = await start({ x: 1 }, 'cycle-2026');
    expect(a).toBe('arn:aws:states:us-east-1:000000000000:execution:Cycle:cycle-2026');
    expect(await start({ x: 1 }, 'cycle-2026')).toBe(a);
    await expect(start({ x: 2 }, 'cycle-2026')).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
    await clock.runUntilIdle();
    const list = await engine.listExecutions({ stateMachineArn: SM_ARN, statusFilter: 'SUCCEEDED' });
    expect(list.executions.map((e) => e.name)).toEqual(['cycle-2026']);
    await expect(engine.describeExecution({ executionArn: `${a}x` })).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('rejects an invalid definition with a clear error', () => {
    expect(() => setup({ StartAt: 'Nowhere', States: { A: { Type: 'Pass', End: true } } }, noop)).toThrow(/invalid definition/);
  });

  it('persists executions and resumes a RUNNING one from the start in a new engine', async () => {
    // Prepare: notify, wait to a mid-year instant, then wait for a callback, then wait to year end.
    const dataFile = join(mkdtempSync(join(tmpdir(), 'local-sfn-')), 'sfn.json');
    const mid = START + 180 * DAY;
    const end = START + 365 * DAY;
    const definition = {
      StartAt: 'Notify',
      States: {
        Notify: { Type: 'Task', Resource: fnArn('NotifyFn'), ResultPath: null, Next: 'WaitMid' },
        WaitMid: { Type: 'Wait', TimestampPath: '$.mid', Next: 'AwaitReport' },
        AwaitReport: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: { FunctionName: fnArn('AskFn'), Payload: { 'token.$': '$$.Task.Token' } },
          ResultPath: '$.report',
          Next: 'WaitEnd',
        },
        WaitEnd: { Type: 'Wait', TimestampPath: '$.end', End: true },
      },
    };
    const tokens: string[] = [];
    const invoke: Invoke = async (arn, p) => {
      if (arn === fnArn('AskFn')) tokens.push((p as { token: string }).token);
      return {};
    };
    const a = setup(definition, invoke, { dataFile });
    const arn = await a.start({ mid: iso(mid), end: iso(end) }, 'cycle');
    await a.clock.runUntilIdle();
    expect(a.clock.now()).toBe(mid);
    expect(tokens).toHaveLength(1);
    await a.engine.close();
    a.clock.stop();
    const saved = JSON.parse(readFileSync(dataFile, 'utf8'));
    expect(saved.clockTime).toBe(mid);
    expect(saved.executions[0]).toMatchObject({ executionArn: arn, status: 'RUNNING' });

    // Act: a new engine on the same file, its clock restarted where the file says.
    const b = setup(definition, invoke, { dataFile, startAt: readPersistedClockTime(dataFile) });
    await b.clock.runUntilIdle();
    expect(tokens).toHaveLength(2); // re-run from the start reached the callback again
    await b.engine.sendTaskSuccess({ taskToken: tokens[1], output: JSON.stringify({ score: 90 }) });
    await b.clock.runUntilIdle();

    // Assess
    const d = await b.engine.describeExecution({ executionArn: arn });
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!).report).toEqual({ score: 90 });
    expect(d.startDate.getTime()).toBe(START);
    expect(b.clock.now()).toBe(end);
    await b.engine.close();
    await new Promise((r) => setTimeout(r, 50));
    const after = JSON.parse(readFileSync(dataFile, 'utf8'));
    expect(after.executions[0]).toMatchObject({ status: 'SUCCEEDED', stopDate: end });
    expect(after.executions[0].counters.historyEvents).toBeGreaterThan(10);
  });
});
