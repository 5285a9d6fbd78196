/**
 * The twin is at least as strict as AWS where a first deployment would fail: each function runs under its
 * own role from the synthesized template (a grant taken away shows as AccessDeniedException from that
 * function, and the workflow fails on it as it would on AWS), SES refuses what the sandbox refuses, and every
 * listener is on the loopback address.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePlan } from '../../core/plan/validate';
import { atLocalTime } from '../../core/time';
import { startCycle } from '../../core/use-cases/cycle';
import { loadTwinAssembly } from '../../local/assembly';
import type { PolicyStatement } from '../../local/gate/policy';
import { startTwin, type Twin } from '../../local/twin';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('example plan invalid');
const plan = checked.plan;
const yanping = plan.units.find((u) => u.id === 'yanping')!;

/** Listening TCP sockets of this machine: port -> local addresses (from /proc, no traffic sent). */
function listeners(): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== '0A' || !local) continue;
      const [address, port] = local.split(':');
      out.set(parseInt(port, 16), [...(out.get(parseInt(port, 16)) ?? []), address]);
    }
  }
  return out;
}
const LOOPBACK = new Set(['0100007F', '0000000000000000FFFF00000100007F', '00000000000000000000000001000000']);

describe('the twin, as strict as AWS', () => {
  let twin: Twin;
  let startUnitWorkflows: string;
  beforeAll(async () => {
    const assembly = await loadTwinAssembly();
    // Take one grant away: start-unit-workflows may no longer start UnitCycle executions.
    const fn = assembly.functions.find((f) => f.handlerFile === 'functions/start-unit-workflows/handler.ts')!;
    startUnitWorkflows = fn.logicalId;
    fn.role.policies = fn.role.policies.map((doc) => ({
      ...doc,
      Statement: [doc.Statement].flat().filter((s: PolicyStatement) => ![s.Action ?? []].flat().includes('states:StartExecution')),
    }));
    twin = await startTwin({
      assembly,
      startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(),
      mode: { kind: 'simulated' },
      ses: { refusedAddresses: [yanping.office.email] },
    });
  });
  afterAll(() => twin?.close());

  it('a function whose role lost a grant gets AccessDeniedException from the service, and the yearly cycle fails on it', async () => {
    await twin.clock.track(() => startCycle(twin.ctx, { plan, startedBy: 'city-admin' }));
    await twin.clock.runUntil(Date.parse('2016-04-01T09:01:00+08:00'));

    // Once per attempt of the task (the state machine retries it).
    const denied = twin.refusals.filter((r) => r.code === 'AccessDeniedException');
    expect(denied.length).toBeGreaterThan(0);
    for (const refusal of denied) {
      expect(refusal).toMatchObject({ service: 'sfn', principal: `TWIN${startUnitWorkflows}` });
      expect(refusal.message).toContain(`/${startUnitWorkflows} is not authorized to perform: states:StartExecution on resource: ${twin.unitStateMachineArn}`);
    }
    const history = await twin.engine.getExecutionHistory({ executionArn: (await twin.engine.listExecutions({ stateMachineArn: twin.cycleStateMachineArn })).executions[0].executionArn });
    const failed = history.events.find((e) => e.type === 'LambdaFunctionFailed');
    expect((failed?.lambdaFunctionFailedEventDetails as { error?: string } | undefined)?.error).toBe('AccessDeniedException');
    expect((await twin.engine.listExecutions({ stateMachineArn: twin.unitStateMachineArn })).executions).toHaveLength(0);
  });

  it('SES refuses a recipient it was told to refuse with MessageRejected, as the sandbox does for an unverified address', async () => {
    const sendUnitNotice = twin.assembly.functions.find((f) => f.handlerFile === 'functions/send-unit-notice/handler.ts')!;
    const notice = (unitId: string) => ({ cycleId: plan.cycleId, unitId, notice: { kind: 'reminder', deliverableId: 'implementation-plan', milestone: 'D-7' } });
    const refused = await twin.clock.track(() => twin.lambda.invoke(sendUnitNotice.arn, notice('yanping'))).catch((e: Error) => e);
    const rejection = twin.refusals.find((r) => r.code === 'MessageRejected');
    expect(rejection?.message).toBe(`Email address is not verified. The following identities failed the check in region US-EAST-1: ${yanping.office.email}`);
    // A refusal never fails the step: the notifier reports it to the city office and answers 'refused'.
    expect(refused).not.toBeInstanceOf(Error);
    expect(JSON.stringify(refused)).toContain('refused');
    await twin.clock.track(() => twin.lambda.invoke(sendUnitNotice.arn, notice('jianyang')));
    const inbox = await twin.inbox();
    expect(inbox.map((m) => m.destination.to[0])).toContain(plan.units.find((u) => u.id === 'jianyang')!.office.email);
    expect(inbox.map((m) => m.destination.to[0])).not.toContain(yanping.office.email);
  });

  it('listens on the loopback address only: the stand-ins, their gates, the API and the user pool', () => {
    const ports = [
      ...Object.values(twin.services).map((s) => s.port),
      ...[twin.endpoints.dynamodb, twin.endpoints.ses, twin.endpoints.s3, twin.endpoints.sfn, twin.endpoints.api, twin.endpoints.cognito].map((u) => Number(new URL(u).port)),
    ];
    const open = listeners();
    for (const port of ports) {
      expect(open.get(port), `port ${port}`).toBeDefined();
      expect(open.get(port)!.every((a) => LOOPBACK.has(a)), `port ${port} listens on ${open.get(port)}`).toBe(true);
    }
  });
});
