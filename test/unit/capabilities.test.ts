/**
 * Each function's one declaration of capabilities (functions/capabilities.ts) against what its code does:
 * - a year driven through every handler, its ports recording what each call needed (table read or write,
 *   email, unit executions, documents by prefix): every need is declared, and every declaration is needed;
 * - each Lambda entry's getDeps builds exactly the adapters its declaration uses (cold start);
 * - the context getDeps builds refuses a call the declaration does not cover, as AWS would.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { CapabilityError, covers, grantedNeeds, REPOSITORY_WRITES, type Need } from '../../core/capabilities';
import type { CycleRepository } from '../../core/ports';
import { registerCycle, startCycle } from '../../core/use-cases/cycle';
import { makeContext } from '../../core/use-cases/context';
import { FUNCTION_CAPABILITIES, FUNCTION_NAMES, type FunctionName } from '../../functions/capabilities';
import { contextFor } from '../../functions/_shared/deps';
import { readEnv } from '../../functions/_shared/env';
import { INTO_2027_JSON, NANPING_JSON, runYear, type World } from '../helpers/capability-scenario';

// The handler modules build their Lambda context at import (cold start): give them an environment.
vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'unit-test';
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.UNIT_STATE_MACHINE_ARN ??= 'arn:aws:states:us-east-1:000000000000:stateMachine:dev-UnitCycle';
  process.env.DOCUMENTS_BUCKET ??= 'unit-test-documents';
});

const caps = (name: FunctionName) => FUNCTION_CAPABILITIES[name];
const INTO_2027 = INTO_2027_JSON;

describe('each function needs only what it declares, and declares only what it needs', () => {
  let year: World;
  const needsOf = (name: FunctionName) => year.calls.get(name) ?? [];
  beforeAll(async () => {
    year = await runYear();
  });

  it('ran every function of the app (so the checks below cover them all)', () => {
    expect([...year.calls.keys()].sort()).toEqual([...FUNCTION_NAMES].sort());
  });

  it.each(FUNCTION_NAMES)('%s: every port call of its handler is covered by its capabilities', (name) => {
    const uncovered = needsOf(name).flatMap(({ call, needs }) => needs.filter((n) => !covers(caps(name), n)).map((n) => `${call} needs ${n}`));
    expect([...new Set(uncovered)], `${name} calls what functions/capabilities.ts does not grant it`).toEqual([]);
  });

  it.each(FUNCTION_NAMES)('%s: every capability it declares is used by its handler (least privilege)', (name) => {
    const used = new Set<Need>(needsOf(name).flatMap((c) => c.needs));
    // Table access has no write-only level: readWrite's reads need not be used.
    const unused = grantedNeeds(caps(name)).filter((n) => !used.has(n) && !(n === 'table:read' && used.has('table:write')));
    expect(unused, `${name} declares what its use cases never need`).toEqual([]);
  });

  it('finding 1: start-unit-workflows writes each unit\'s run (setUnitRun) as it starts it, so it needs table write', () => {
    expect(needsOf('start-unit-workflows').map((c) => c.call)).toContain('repo.setUnitRun');
    expect(covers(caps('start-unit-workflows'), 'table:write')).toBe(true);
  });

  it('finding 2: register-cycle mails the city office for a plan reaching 2027, so it needs email', () => {
    expect(year.ports.mailer.sent.filter((m) => m.tags?.kind === 'calendar-warning').map((m) => m.to)).toEqual([[INTO_2027_JSON.city.email]]);
    expect(needsOf('register-cycle').map((c) => c.call)).toContain('mailer.send');
    expect(covers(caps('register-cycle'), 'email:send')).toBe(true);
  });
});

describe('finding 2: register-cycle mails the calendar warning for a plan reaching 2027', () => {
  it('sends it through the context its Lambda entry builds (contextFor), which must have a mailer that may send', async () => {
    // Prepare: the plan stored by the operator; the function's context built as getDeps builds it, memory adapters inside.
    const repo = makeMemoryRepository();
    const mailer = makeMemoryMailer();
    const clock = { now: () => Date.parse('2026-05-01T01:00:00Z') };
    await startCycle(makeContext({ repo, mailer, workflow: makeMemoryWorkflow(), clock }), { plan: INTO_2027, startedBy: 'city-admin' });
    const ctx = contextFor('register-cycle', { repo: () => repo, mailer: () => mailer }, readEnv());

    // Act
    await registerCycle(ctx, { cycleId: INTO_2027.cycleId, executionName: INTO_2027.cycleId });

    // Assess
    expect(mailer.sent.map((m) => m.to)).toEqual([[INTO_2027.city.email]]);
    expect(mailer.sent[0].text).toContain('2027');
    expect((await repo.getCycle(INTO_2027.cycleId))?.status).toBe('running');
  });
});

describe('finding 1 through getDeps: start-unit-workflows', () => {
  it('starts every unit and records its run with the context its Lambda entry builds (contextFor)', async () => {
    const repo = makeMemoryRepository();
    const workflow = makeMemoryWorkflow();
    const clock = { now: () => Date.parse('2016-03-31T16:00:00Z') };
    const admin = makeContext({ repo, mailer: makeMemoryMailer(), workflow, clock });
    await startCycle(admin, { plan: NANPING_JSON, startedBy: 'city-admin' });
    const { schedule } = await registerCycle(admin, { cycleId: 'nanping-2016', executionName: 'nanping-2016' });
    const ctx = contextFor('start-unit-workflows', { repo: () => repo, workflow: () => workflow }, readEnv());

    const { startUnitWorkflows } = await import('../../core/use-cases/cycle');
    const result = await startUnitWorkflows(ctx, { cycleId: 'nanping-2016', executionName: 'nanping-2016', schedule, cursor: null });

    expect(result).toEqual({ started: 10, cursor: null });
    expect(await repo.getUnitRun('nanping-2016', 'yanping')).toBe('nanping-2016--yanping');
  });
});

describe('the context getDeps builds', () => {
  it.each(FUNCTION_NAMES)('%s: its Lambda entry builds exactly the adapters it declares (cold start does not throw)', async (name) => {
    await expect(import(`../../functions/${name}/handler.ts`)).resolves.toHaveProperty('handler');
  });

  it('refuses a port it does not declare, and a write with read-only table access, naming the function and the call', async () => {
    const repo = makeMemoryRepository();
    const ctx = contextFor('get-dashboard', { repo: () => repo }, readEnv());
    await expect(ctx.repo.setUnitRun('c', 'u', 'x')).rejects.toBeInstanceOf(CapabilityError);
    await expect(ctx.repo.setUnitRun('c', 'u', 'x')).rejects.toThrow(/get-dashboard may not table:write \(repo\.setUnitRun\)/);
    await expect(ctx.mailer.send({} as never)).rejects.toThrow(/get-dashboard may not email:send/);
    await expect(ctx.workflow.stopUnit('x', 'y')).rejects.toThrow(/get-dashboard may not unit-cycle:stop/);
    await expect(ctx.repo.getCycle('c')).resolves.toBeNull();
  });

  it('refuses builders that do not match the declaration, and a missing environment variable', () => {
    const env = readEnv();
    const repo = () => makeMemoryRepository();
    expect(() => contextFor('get-dashboard', { repo, mailer: () => makeMemoryMailer() } as never, env)).toThrow(/get-dashboard builds a mailer its capabilities do not declare/);
    expect(() => contextFor('send-unit-notice', { repo } as never, env)).toThrow(/send-unit-notice declares the mailer but its getDeps builds none/);
    expect(() => contextFor('grant-extension', { repo, mailer: () => makeMemoryMailer(), workflow: () => makeMemoryWorkflow() }, { ...env, UNIT_STATE_MACHINE_ARN: undefined })).toThrow(
      /UNIT_STATE_MACHINE_ARN \(grant-extension needs them\)/,
    );
  });

  it('classifies every repository method, the writes among them', () => {
    const repo = makeMemoryRepository();
    const methods = Object.keys(repo).filter((k) => k !== 'dump') as Array<keyof CycleRepository>;
    expect(methods.filter((m) => REPOSITORY_WRITES.has(m)).sort()).toEqual([
      'addSubmission', 'appendAudit', 'claimMessage', 'clearContactStatus', 'completeUploadCheck', 'grantExtension',
      'markContactUndeliverable', 'markMessageSent', 'putUpload', 'putWaitToken', 'recordDecision', 'recordForwarding',
      'recordOutcome', 'releaseMessage', 'setCycleStatus', 'setUnitRun', 'storePlan',
    ]);
  });
});
