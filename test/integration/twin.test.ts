/**
 * The local twin over the wire: the AWS SDK against its Step Functions endpoint, the SES emulator's
 * store, DynamoDB Local on disk, and a restart of the whole twin from its data directory.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, describe, expect, it } from 'vitest';
import { validatePlan } from '../../core/plan/validate';
import { atLocalTime } from '../../core/time';
import { startCycle } from '../../core/use-cases/cycle';
import { freePort } from '../../local/services';
import { startTwin, type Twin } from '../../local/twin';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('example plan invalid');
const plan = checked.plan;
const dataDir = mkdtempSync(join(tmpdir(), 'twin-it-'));
// The handler module reads its environment at import (cold start), so it is imported once the twin set it.
const sendUnitNotice = async (t: Twin) => (await import('../../functions/send-unit-notice/handler')).makeHandler(t.ctx);
const lambdaContext = { functionName: 'SendUnitNotice', awsRequestId: 'it', getRemainingTimeInMillis: () => 30_000 };

describe('the local twin', () => {
  let twin: Twin;
  let ports: Record<'dynamodb' | 'ses' | 's3' | 'sfn', number>;
  afterAll(async () => {
    await twin?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the cycle on its clock and answers the Step Functions API over HTTP', async () => {
    ports = { dynamodb: await freePort(), ses: await freePort(), s3: await freePort(), sfn: await freePort() };
    twin = await startTwin({ dataDir, ports, startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(), mode: { kind: 'simulated' } });
    await twin.clock.track(() => startCycle(twin.ctx, { plan, startedBy: 'city-admin' }));
    await twin.clock.runUntil(Date.parse('2016-04-01T09:01:00+08:00'));

    const inbox = await twin.inbox();
    expect(inbox.map((m) => m.destination.to[0]).sort()).toEqual(plan.units.map((u) => u.office.email).sort());
    expect(inbox.every((m) => m.subject.includes('动员部署') && m.body.html?.includes('<!doctype html>') && m.body.text)).toBe(true);

    // The AWS SDK, configured only by AWS_ENDPOINT_URL_SFN (set by the twin), sees the executions.
    const sfn = new SFNClient({});
    const units = await sfn.send(new ListExecutionsCommand({ stateMachineArn: twin.unitStateMachineArn, statusFilter: 'RUNNING' }));
    expect(units.executions).toHaveLength(10);
    const cycle = await sfn.send(new ListExecutionsCommand({ stateMachineArn: twin.cycleStateMachineArn }));
    const arn = cycle.executions![0].executionArn!;
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(described).toMatchObject({ status: 'RUNNING', name: plan.cycleId });
    expect(JSON.parse(described.input!)).toEqual({ cycleId: plan.cycleId });
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    const entered = history.events!.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
    // It waits for the day the city office is asked to confirm the list (上报确认), the forwarding after it.
    expect(entered).toEqual(expect.arrayContaining(['RegisterCycle', 'StartUnitWorkflows', 'WaitForConfirmationRequestTime']));
  });

  it('a notification step invoked three times with the same input leaves one email in the inbox', async () => {
    const handler = await sendUnitNotice(twin);
    const before = (await twin.inbox()).length;
    const input = { cycleId: plan.cycleId, unitId: 'yanping', notice: { kind: 'reminder', deliverableId: 'implementation-plan', milestone: 'D-7' } };
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await twin.clock.track(() => handler(input, lambdaContext as never)));
    expect(results.map((r) => (r as { status: string }).status)).toEqual(['sent', 'already-sent', 'already-sent']);
    expect((await twin.inbox()).length).toBe(before + 1);
  });

  it('a task invoked with an input it does not expect fails with a named error and sends nothing', async () => {
    const handler = await sendUnitNotice(twin);
    const before = (await twin.inbox()).length;
    const bad = { cycleId: plan.cycleId, unitId: 'yanping', notice: { kind: 'reminder', deliverableId: 'implementation-plan' }, extra: 1 };
    await expect(handler(bad, lambdaContext as never)).rejects.toMatchObject({ name: 'InvalidTaskInputError' });
    expect((await twin.inbox()).length).toBe(before);
  });

  it('stopped and started again from its data directory, carries on without sending anything twice', async () => {
    const clockAtStop = twin.clock.now();
    await twin.close();
    twin = await startTwin({ dataDir, ports, startAt: 0, mode: { kind: 'simulated' } });
    expect(twin.clock.now()).toBe(clockAtStop);
    // DynamoDB Local kept the ledger on disk (the emulator's inbox is new and empty).
    expect((await twin.ctx.repo.listMessages(plan.cycleId)).filter((m) => m.status === 'sent')).toHaveLength(11);
    await twin.clock.runUntil(Date.parse('2016-06-01T09:01:00+08:00'));
    const inbox = await twin.inbox();
    const subjects = inbox.map((m) => m.subject);
    expect(subjects.some((s) => s.includes('动员部署'))).toBe(false);
    expect(subjects.filter((s) => s.includes('实施推广'))).toHaveLength(10);
    // yanping's D-7 reminder for the implementation plan was sent by hand above: not again.
    const yanpingPlanReminders = inbox.filter((m) => m.destination.to[0] === plan.units[0].office.email && m.subject.includes('提醒'));
    expect(yanpingPlanReminders).toHaveLength(3);
    const sfn = new SFNClient({});
    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn: twin.unitStateMachineArn, statusFilter: 'RUNNING' }));
    expect(running.executions).toHaveLength(10);
  });

  it('after a crash that left executions.json behind, resumes the clock at the last instant a function ran, never before', async () => {
    const lastRun = Date.parse('2016-06-01T09:00:00+08:00'); // the D-3 reminders ran then, in the test above
    await twin.close();
    // What SIGKILL between two debounced writes leaves: the executions file with an older clock.
    const file = join(dataDir, 'executions.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), clockTime: Date.parse('2016-05-20T00:00:00+08:00') }));
    twin = await startTwin({ dataDir, ports, startAt: 0, mode: { kind: 'simulated' } });
    expect(twin.clock.now()).toBeGreaterThanOrEqual(lastRun);
  });
});
