/**
 * Each function's one declaration of capabilities (functions/capabilities.ts) against what its code does:
 * - a year driven through every handler, its ports recording what each call needed (table read or write,
 *   email, unit executions, documents by prefix): every need is declared, and every declaration is needed;
 * - each Lambda entry's getDeps builds exactly the adapters its declaration uses (cold start);
 * - the context getDeps builds refuses a call the declaration does not cover, as AWS would.
 */
import { readFileSync } from 'node:fs';
import type { Context as LambdaContext } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { makeMemoryDocumentStore } from '../../core/adapters/memory/documents';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { CapabilityError, covers, grantedNeeds, portsOf, REPOSITORY_WRITES, type Need } from '../../core/capabilities';
import type { CycleRepository } from '../../core/ports';
import { registerCycle, startCycle } from '../../core/use-cases/cycle';
import { makeContext } from '../../core/use-cases/context';
import { FUNCTION_CAPABILITIES, FUNCTION_NAMES, type FunctionName } from '../../functions/capabilities';
import { buildersFor, contextFor } from '../../functions/_shared/deps';
import { makeHandler as makeRegisterCycle } from '../../functions/register-cycle/handler';
import { makeHandler as makeStartUnitWorkflows } from '../../functions/start-unit-workflows/handler';
import { readEnv } from '../../functions/_shared/env';
import { INTO_2027_JSON, NANPING_JSON, runYear, type World } from '../helpers/capability-scenario';

// The handler modules build their Lambda context at import (cold start): give them an environment.
vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'unit-test';
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.UNIT_STATE_MACHINE_ARN ??= 'arn:aws:states:us-east-1:000000000000:stateMachine:dev-UnitCycle';
  process.env.CYCLE_STATE_MACHINE_ARN ??= 'arn:aws:states:us-east-1:000000000000:stateMachine:dev-YearlyCycle';
  process.env.DOCUMENTS_BUCKET ??= 'unit-test-documents';
});

const caps = (name: FunctionName) => FUNCTION_CAPABILITIES[name];

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

describe('the two findings, through the context each Lambda entry builds (contextFor, memory adapters inside)', () => {
  const lambda = { functionName: 'capabilities', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as LambdaContext;

  it('finding 1: start-unit-workflows starts every unit and records its run (setUnitRun, a write)', async () => {
    // Prepare
    const repo = makeMemoryRepository();
    const workflow = makeMemoryWorkflow();
    const admin = makeContext({ repo, mailer: makeMemoryMailer(), workflow, clock: { now: () => Date.parse('2016-03-31T16:00:00Z') } });
    await startCycle(admin, { plan: NANPING_JSON, startedBy: 'city-admin' });
    const { schedule } = await registerCycle(admin, { cycleId: 'nanping-2016', executionName: 'nanping-2016' });
    const handler = makeStartUnitWorkflows(contextFor('start-unit-workflows', { repo: () => repo, workflow: () => workflow }, readEnv()));

    // Act
    const result = await handler({ cycleId: 'nanping-2016', executionName: 'nanping-2016', schedule, cursor: null }, lambda);

    // Assess
    expect(result).toEqual({ started: 10, cursor: null });
    expect(await repo.getUnitRun('nanping-2016', 'yanping')).toBe('nanping-2016--yanping');
  });

  it('finding 2: register-cycle mails the city office the calendar warning for a plan reaching 2027', async () => {
    // Prepare: the plan stored by the operator's script.
    const repo = makeMemoryRepository();
    const mailer = makeMemoryMailer();
    const clock = { now: () => Date.parse('2026-05-01T01:00:00Z') };
    await startCycle(makeContext({ repo, mailer, workflow: makeMemoryWorkflow(), clock }), { plan: INTO_2027_JSON, startedBy: 'city-admin' });
    const handler = makeRegisterCycle(contextFor('register-cycle', { repo: () => repo, mailer: () => mailer }, readEnv()));

    // Act
    await handler({ cycleId: INTO_2027_JSON.cycleId, executionName: INTO_2027_JSON.cycleId }, lambda);

    // Assess
    expect(mailer.sent.map((m) => m.to)).toEqual([[INTO_2027_JSON.city.email]]);
    expect(mailer.sent[0].text).toContain('2027');
    expect((await repo.getCycle(INTO_2027_JSON.cycleId))?.status).toBe('running');
  });
});

describe('the context getDeps builds', () => {
  it.each(FUNCTION_NAMES)('%s: its Lambda entry builds exactly the adapters it declares (cold start does not throw)', async (name) => {
    await expect(import(`../../functions/${name}/handler.ts`)).resolves.toHaveProperty('handler');
  });

  it.each(FUNCTION_NAMES)('%s: its Lambda entry asks getDeps for its own declaration, or uses no port at all', (name) => {
    const source = readFileSync(new URL(`../../functions/${name}/handler.ts`, import.meta.url), 'utf8');
    const asked = [...source.matchAll(/getDeps\('([a-z-]+)'/g)].map((m) => m[1]);
    const usesPorts = Object.values(portsOf(caps(name))).some(Boolean);
    expect(asked).toEqual(usesPorts ? [name] : []);
  });

  it.each(FUNCTION_NAMES.filter((n) => Object.values(portsOf(caps(n))).some(Boolean)))(
    '%s: buildersFor picks, out of every adapter, exactly the ones contextFor wants',
    (name) => {
      const all = { repo: makeMemoryRepository, mailer: makeMemoryMailer, workflow: makeMemoryWorkflow, documents: makeMemoryDocumentStore };
      expect(() => contextFor(name, buildersFor(name, all), readEnv())).not.toThrow();
    },
  );

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
      'addSubmission', 'appendAudit', 'claimIdempotencyKey', 'claimMessage', 'clearContactStatus', 'completeIdempotencyKey', 'completeUploadCheck', 'decideProposal',
      'grantExtension', 'markContactUndeliverable', 'markMessageSent', 'putConfirmationWait', 'putDrawFailure', 'putInspectionResult', 'putInspectionScore',
      'putProposal', 'putRoster', 'putUnitContacts', 'putUpload', 'putWaitToken', 'recordCycleDocument', 'recordDecision',
      'recordForwarding', 'recordListConfirmation', 'recordOutcome', 'recordSample', 'releaseIdempotencyKey', 'releaseMessage',
      'setCycleStatus', 'setUnitRun', 'signNotice', 'storePlan',
    ]);
  });
});
