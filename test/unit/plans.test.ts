/**
 * The city office's year (core/use-cases/plans.ts) through the two handlers, POST /plans/validate and
 * POST /cycles, against in-memory adapters: what a check answers (problems with field and rule in the
 * caller's language, warnings, the timeline of a valid plan on China's 2016 calendar with its 调休 days),
 * whose plan may be checked and started (the office of the stored cycles), a start that changes nothing
 * when refused, starts nothing twice, and a different plan under a stored cycle id as a 409 naming the rule.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context as LambdaContext } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { makeContext } from '../../core/use-cases/context';
import { planHashOf, startCycle } from '../../core/use-cases/cycle';
import { CYCLE_ENDED_RULE, PLAN_CONFLICT_RULE, PLAN_OFFICE_RULE, PLAN_PAST_DEADLINE_RULE } from '../../core/use-cases/plans';
import { planTimeline } from '../../core/plan/timeline';
import { planSchema } from '../../core/plan/schema';
import type { ApiResponse } from '../../functions/_shared/api-handler';
import { makeHandler as makeStartCycle } from '../../functions/start-cycle/handler';
import { makeHandler as makeValidatePlan } from '../../functions/validate-plan/handler';
import { planCopy } from '../helpers/plans';

// The handler modules build their AWS context at import (cold start): give them an environment.
vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'unit-test';
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.CYCLE_STATE_MACHINE_ARN ??= 'arn:aws:states:us-east-1:000000000000:stateMachine:dev-YearlyCycle';
});

const NANPING = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const BINJIANG = JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8'));
const lambda = { functionName: 'plans-test', awsRequestId: 'aws-req-1', getRemainingTimeInMillis: () => 10_000 } as unknown as LambdaContext;

const claims = (username: string, groups: string) => ({
  sub: `sub-${username}`, token_use: 'access', client_id: 'client', username, 'cognito:groups': groups,
  iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Test1234', exp: '4102444800', iat: '1478570400',
});
const CITY = claims('city', '[city-office]');
const COUNTY = claims('yanping-staff', '[unit-yanping]');

function event(path: string, body: unknown, who: Record<string, string>, headers: Record<string, string> = {}) {
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example.cn', 'content-type': 'application/json', ...headers },
    requestContext: {
      requestId: 'req-plans',
      routeKey: `POST ${path}`,
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
      authorizer: { jwt: { claims: who, scopes: null } },
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** A deployment at 1 March 2016 (Beijing, or `at`), with the ports as memory adapters; `stored` plans started by the operator's script first. */
async function deployment(stored: unknown[] = [], at = '2016-03-01T02:00:00Z') {
  const repo = makeMemoryRepository();
  const workflow = makeMemoryWorkflow();
  const ctx = makeContext({ repo, mailer: makeMemoryMailer(), workflow, clock: { now: () => Date.parse(at) } });
  for (const plan of stored) await startCycle(ctx, { plan, startedBy: 'operator' });
  const validate = makeValidatePlan(ctx);
  const start = makeStartCycle(ctx);
  const call = async (handler: typeof validate, path: string, body: unknown, who = CITY, headers: Record<string, string> = {}) => {
    const res = (await handler(event(path, body, who, headers), lambda)) as ApiResponse;
    return { status: res.statusCode, headers: res.headers ?? {}, json: JSON.parse(res.body ?? 'null') };
  };
  return {
    repo, workflow,
    validate: (body: unknown, who = CITY, headers: Record<string, string> = {}) => call(validate, '/plans/validate', body, who, headers),
    start: (body: unknown, who = CITY, headers: Record<string, string> = {}) => call(start, '/cycles', body, who, headers),
  };
}

describe('POST /plans/validate: the check stores nothing', () => {
  it('answers an invalid plan with every problem, field and rule, in Chinese by default and in English when asked', async () => {
    // Prepare: two phases overlap and a deadline falls after its phase.
    const d = await deployment();
    const bad = structuredClone(NANPING);
    bad.phases[1].opens = '2016-05-20';
    bad.phases[0].deliverables[0].due.date = '2016-06-15';
    delete bad.title;
    const before = JSON.stringify(d.repo.dump());

    // Act
    const zh = await d.validate(bad);
    const en = await d.validate(bad, CITY, { 'accept-language': 'en' });

    // Assess
    expect(zh.status).toBe(200);
    expect(zh.json).toMatchObject({ valid: false, plan: null, timeline: null, cycle: null, today: '2016-03-01' });
    const found = zh.json.problems.map((p: { path: string; rule: string }) => `${p.path} ${p.rule}`);
    expect(found).toEqual(expect.arrayContaining(['title required', 'phases[1].opens phase.overlap', 'phases[0].deliverables[0].due.date deadline.after-phase']));
    const overlap = zh.json.problems.find((p: { rule: string }) => p.rule === 'phase.overlap');
    expect(overlap.message).toBe('phases[1].opens: 开始日期 2016-05-20 早于上一阶段（动员部署）的结束日期 2016-05-31，阶段不得重叠且应按时间先后排列');
    expect(en.json.problems.map((p: { path: string; rule: string }) => `${p.path} ${p.rule}`)).toEqual(found);
    expect(en.json.problems.find((p: { rule: string }) => p.rule === 'phase.overlap').message).toMatch(/^phases\[1\]\.opens: opens on 2016-05-20, before the previous phase/);
    expect(JSON.stringify(d.repo.dump())).toBe(before);
    expect(d.workflow.started.size).toBe(0);
  });

  it('answers a valid plan with its timeline: phases, deadlines with their inclusive last day in Beijing, review, forwarding, days off and 调休', async () => {
    const d = await deployment();

    const { status, json } = await d.validate(NANPING);

    expect(status).toBe(200);
    expect(json).toMatchObject({ valid: true, problems: [], cycle: null, now: { beijing: '2016-03-01T10:00:00+08:00' }, today: '2016-03-01' });
    expect(json.plan).toMatchObject({ cycleId: 'nanping-2016', year: 2016, units: 10, city: { name: '南平市', office: '南平市打击传销工作领导小组办公室' } });
    expect(json.plan.planHash).toMatch(/^[0-9a-f]{64}$/);
    const t = json.timeline;
    expect(t).toMatchObject({ firstDay: '2016-04-01', lastDay: '2016-12-01' });
    expect(t.phases.map((p: { kind: string; opens: string; closes: string }) => `${p.kind} ${p.opens}..${p.closes}`)).toEqual([
      'mobilisation 2016-04-01..2016-05-31', 'rollout 2016-06-01..2016-10-31', 'self-assessment 2016-11-01..2016-11-10', 'preliminary-review 2016-11-10..2016-11-30',
    ]);
    expect(t.phases[0].opensAt.beijing).toBe('2016-04-01T09:00:00+08:00');
    expect(t.phases[3].closesAt.beijing).toBe('2016-11-30T23:59:59+08:00');
    // "11月10日前": the last day is the 9th, due at 23:59:59 Beijing; 31 July 2016 is a Sunday, so it moves to Monday.
    const report = t.deadlines.find((x: { deliverableId: string }) => x.deliverableId === 'self-assessment-report');
    expect(report).toMatchObject({ phase: 'self-assessment', reviewed: true, due: { date: '2016-11-10', inclusive: false }, lastDay: '2016-11-09', moved: false });
    expect(report.dueAt).toMatchObject({ iso: '2016-11-09T15:59:59Z', beijing: '2016-11-09T23:59:59+08:00', zh: '2016年11月9日 23:59' });
    expect(t.deadlines.find((x: { deliverableId: string }) => x.deliverableId === 'progress-report-1')).toMatchObject({ lastDay: '2016-08-01', moved: true });
    expect(t.review.closesAt.beijing).toBe('2016-11-30T23:59:59+08:00');
    expect(t.forwarding).toMatchObject({ on: '2016-12-01', day: '2016-12-01', at: { beijing: '2016-12-01T09:00:00+08:00' } });
    // Days off and 调休 working days between 1 April and 1 December 2016.
    const day = (date: string) => t.calendar.days.find((x: { date: string }) => x.date === date);
    expect(day('2016-04-04')).toEqual({ date: '2016-04-04', off: true, kind: 'holiday', nameZh: '清明', nameEn: 'Tomb-sweeping Day' });
    expect(day('2016-04-02')).toEqual({ date: '2016-04-02', off: true, kind: 'weekend', nameZh: null, nameEn: null });
    expect(day('2016-06-12')).toEqual({ date: '2016-06-12', off: false, kind: 'adjusted-workday', nameZh: '端午', nameEn: 'Dragon Boat Festival' });
    expect(t.calendar.days.filter((x: { off: boolean }) => !x.off).map((x: { date: string }) => x.date)).toEqual(['2016-06-12', '2016-09-18', '2016-10-08', '2016-10-09']);
    expect(t.calendar.days.filter((x: { kind: string }) => x.kind === 'holiday')).toHaveLength(1 + 2 + 3 + 3 + 7);
    expect(day('2016-04-05')).toBeUndefined();
    expect(t.calendar.source).toMatch(/^chinese-days@/);
  });

  it('takes the timeline from the same schedule the state machines wait for', () => {
    const plan = planSchema.parse(BINJIANG);
    const t = planTimeline(plan);
    expect(t.deadlines.every((d) => d.dueAt.endsWith('15:59:59Z'))).toBe(true);
    expect(t.phases.map((p) => p.kind)).toEqual(['mobilisation', 'rollout', 'self-assessment', 'preliminary-review']);
    expect(t.calendar.days.every((x) => x.date >= t.firstDay && x.date <= t.lastDay)).toBe(true);
  });

  it('is the city office\'s only: a county is refused before its plan is read', async () => {
    const d = await deployment();
    const res = await d.validate(NANPING, COUNTY);
    expect(res.status).toBe(403);
    expect(res.json.error).toEqual({ code: 'ForbiddenError', message: '无权访问该资源' });
  });

  it('names a plan run by another office than the stored cycles\' (rule plan.office) and gives no timeline', async () => {
    const d = await deployment([NANPING]);

    const res = await d.validate(BINJIANG);

    expect(res.json).toMatchObject({ valid: false, timeline: null, plan: { cycleId: 'binjiang-2026' } });
    expect(res.json.problems).toEqual([{
      path: 'city.office', rule: PLAN_OFFICE_RULE,
      message: 'city.office: 组织实施单位“滨江区打击传销工作领导小组办公室”不是本平台运行工作周期的单位（南平市打击传销工作领导小组办公室）：只能校验和启动本单位的工作计划',
    }]);
  });

  it('names a cycle id that holds another plan (rule cycle.plan-conflict), and warns when it holds this very one', async () => {
    const d = await deployment([NANPING]);

    const same = await d.validate(NANPING);
    const other = await d.validate({ ...NANPING, title: '南平市2016年创建工作（修订）' });

    expect(same.json).toMatchObject({ valid: true, cycle: { status: 'stored', samePlan: true } });
    expect(same.json.warnings.map((w: { rule: string }) => w.rule)).toContain('cycle.started');
    expect(other.json).toMatchObject({ valid: false, timeline: null, cycle: { status: 'stored', samePlan: false } });
    expect(other.json.problems.map((p: { path: string; rule: string }) => `${p.path} ${p.rule}`)).toEqual([`cycleId ${PLAN_CONFLICT_RULE}`]);
  });

  it('refuses a body that is not a JSON object (400), before any check', async () => {
    const d = await deployment();
    const res = await d.validate([NANPING]);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('ValidationError');
  });
});

describe('POST /cycles: start the cycle of a plan', () => {
  it('stores the plan, starts the YearlyCycle execution named by the cycle id and audits it: 201 with cycleId, executionName, planHash', async () => {
    const d = await deployment([NANPING]);
    const next = planCopy(NANPING, { cycleId: 'nanping-2016-b', title: '南平市2016年创建工作（第二轮）' });

    const res = await d.start(next);

    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ cycleId: 'nanping-2016-b', title: '南平市2016年创建工作（第二轮）', executionName: 'nanping-2016-b', stored: 'stored', started: 'started' });
    expect(res.json.planHash).toMatch(/^[0-9a-f]{64}$/);
    expect(d.workflow.started.get('nanping-2016-b')).toEqual({ cycleId: 'nanping-2016-b' });
    expect((await d.repo.getCycle('nanping-2016-b'))?.planHash).toBe(res.json.planHash);
    expect((await d.repo.listAudit('nanping-2016-b')).map((a) => [a.action, a.actor, a.role])).toEqual([['start-cycle', 'city', 'city']]);
  });

  it('is idempotent for the same plan: 200, nothing stored or started twice; with the same Idempotency-Key the first answer is replayed', async () => {
    const d = await deployment([NANPING]);
    const next = planCopy(NANPING, { cycleId: 'nanping-2016-b', title: '第二轮' });
    const key = { 'idempotency-key': 'start-2016-b' };

    const first = await d.start(next, CITY, key);
    const replay = await d.start(next, CITY, key);
    const again = await d.start(next);

    expect([first.status, replay.status, again.status]).toEqual([201, 201, 200]);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json).toEqual(first.json);
    expect(again.json).toMatchObject({ stored: 'same', started: 'exists', planHash: first.json.planHash });
    expect([...d.workflow.started.keys()]).toEqual(['nanping-2016', 'nanping-2016-b']);
    expect((await d.repo.listAudit('nanping-2016-b')).filter((a) => a.action === 'start-cycle')).toHaveLength(1);
  });

  it('refuses a different plan under a stored cycle id with a 409 naming the rule and when it was stored; nothing changes', async () => {
    const d = await deployment([NANPING]);
    const before = JSON.stringify(d.repo.dump());

    const res = await d.start({ ...NANPING, title: '南平市2016年创建工作（修订）' });

    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('PlanConflictError');
    expect(res.json.error.message).toContain(`规则 ${PLAN_CONFLICT_RULE}`);
    expect(res.json.error.message).toContain('周期编号 nanping-2016 已于 2016年3月1日 10:00 按另一份工作计划存储');
    expect(res.json.error.details).toEqual({ rule: PLAN_CONFLICT_RULE, cycleId: 'nanping-2016', status: 'stored', storedAt: '2016-03-01T10:00:00+08:00' });
    expect(JSON.stringify(d.repo.dump())).toBe(before);
    expect([...d.workflow.started.keys()]).toEqual(['nanping-2016']);
  });

  it('refuses an invalid plan with its problems (400) and another office\'s plan (403, plan.office); nothing is stored or started', async () => {
    const d = await deployment([NANPING]);
    const before = JSON.stringify(d.repo.dump());
    const bad = { ...planCopy(NANPING, { cycleId: 'nanping-2016-c', title: 'x' }), forwardToProvince: { on: '2016-11-20' } };

    const invalid = await d.start(bad);
    const foreign = await d.start(BINJIANG, CITY, { 'accept-language': 'en' });
    const county = await d.start(planCopy(NANPING, { cycleId: 'nanping-2016-d', title: 'y' }), COUNTY);

    expect(invalid.status).toBe(400);
    expect(invalid.json.error.problems.map((p: { path: string; rule: string }) => `${p.path} ${p.rule}`)).toEqual(['forwardToProvince.on forward.not-after-review']);
    expect(foreign.status).toBe(403);
    expect(foreign.json.error).toMatchObject({ code: 'PlanOfficeError', message: "not this office's plan; nothing was started" });
    expect(foreign.json.error.problems).toEqual([expect.objectContaining({ path: 'city.office', rule: PLAN_OFFICE_RULE })]);
    expect(county.status).toBe(403);
    expect(JSON.stringify(d.repo.dump())).toBe(before);
    expect([...d.workflow.started.keys()]).toEqual(['nanping-2016']);
  });

  it('lets the first plan of an empty deployment name the office', async () => {
    const d = await deployment();
    const res = await d.start(BINJIANG);
    expect(res.status).toBe(201);
    expect((await d.validate(NANPING)).json.problems.map((p: { rule: string }) => p.rule)).toEqual([PLAN_OFFICE_RULE]);
  });

  it('refuses a new plan whose deadlines have passed (it would escalate every unit at once), naming each; nothing is stored or started', async () => {
    // 15 June 2016: the 实施方案 (due 31 May) is past, the later deadlines are not.
    const d = await deployment([], '2016-06-15T02:00:00Z');
    const late = planCopy(NANPING, { cycleId: 'nanping-2016-late', title: '晚启动' });

    const checked = await d.validate(late);
    const started = await d.start(late, CITY, { 'accept-language': 'en' });

    const only = [expect.objectContaining({ path: 'phases[0].deliverables[0].due.date', rule: PLAN_PAST_DEADLINE_RULE })];
    expect(checked.json.valid).toBe(false);
    expect(checked.json.problems).toEqual(only);
    expect(checked.json.problems[0].message).toContain('2016年5月31日 23:59');
    expect(started.status).toBe(400);
    expect(started.json.error.problems).toEqual(only);
    expect(started.json.error.message).toBe("the plan's deadlines have passed; nothing was started");
    expect(await d.repo.getCycle('nanping-2016-late')).toBeNull();
    expect(d.workflow.started.size).toBe(0);
  });

  it('does not start a cycle again once it has ended (forwarded or closed): 409 naming the rule', async () => {
    const d = await deployment([NANPING]);
    await d.repo.setCycleStatus('nanping-2016', 'closed', '2016-12-02T01:00:00Z');
    const started = [...d.workflow.started.keys()];

    const res = await d.start(NANPING);

    expect(res.status).toBe(409);
    expect(res.json.error.details).toMatchObject({ rule: CYCLE_ENDED_RULE, cycleId: 'nanping-2016', status: 'closed' });
    expect((await d.validate(NANPING)).json.problems.map((p: { rule: string }) => p.rule)).toEqual([CYCLE_ENDED_RULE]);
    expect([...d.workflow.started.keys()]).toEqual(started);
  });

  it('takes a plan stored under an older schema (before review.signingDays had a default) as the same plan, not as another', async () => {
    const d = await deployment();
    // What a deployment before the 签收 period stored: the plan with that day's defaults, hashed so.
    const parsed = planSchema.parse(NANPING);
    const { signingDays: _, ...review } = parsed.review;
    const older = { ...parsed, review };
    const olderHash = planHashOf(older as unknown as typeof parsed);
    await d.repo.storePlan(older as unknown as typeof parsed, olderHash, '2016-02-20T02:00:00Z');

    const checked = await d.validate(NANPING);
    const res = await d.start(NANPING);

    expect(checked.json.problems).toEqual([]);
    expect(checked.json.cycle).toMatchObject({ samePlan: true });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ stored: 'same', started: 'started', planHash: olderHash });
    // Another plan under that id is still refused.
    expect((await d.start({ ...NANPING, title: '修订' })).status).toBe(409);
  });
});
