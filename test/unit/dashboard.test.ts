/**
 * The city's dashboard that scales (finding 8): a page of units at a time, plan order, with a cursor; each
 * row built from the unit's own facts; the cycle's totals from counters the repository keeps, the same on
 * every page and equal to what counting every row would give (a unit granted an extension counted against
 * its own deadline). The route's query (cursor, limit, filter) is validated like every other part.
 */
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context as LambdaContext } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { makeMemoryDocumentStore } from '../../core/adapters/memory/documents';
import { makeMemoryMailer } from '../../core/adapters/memory/mailer';
import { makeMemoryRepository } from '../../core/adapters/memory/repository';
import { makeMemoryWorkflow } from '../../core/adapters/memory/workflow';
import { ValidationError } from '../../core/errors';
import { planSchema } from '../../core/plan/schema';
import { makeContext, type Context } from '../../core/use-cases/context';
import { startCycle } from '../../core/use-cases/cycle';
import { recordOutcome } from '../../core/use-cases/review';
import { grantExtension } from '../../core/use-cases/extensions';
import { submitDeliverable } from '../../core/use-cases/submissions';
import { dashboard } from '../../core/use-cases/views';
import { exampleSelfAssessment } from '../../local/scenario';
import { makeHandler as makeGetDashboard } from '../../functions/get-dashboard/handler';

vi.hoisted(() => {
  process.env.TABLE_NAME ??= 'unit-test';
  process.env.AWS_REGION ??= 'us-east-1';
});

const planJson = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const NANPING = planSchema.parse(planJson);
const CYCLE = 'nanping-2016';
const IDS = NANPING.units.map((u) => u.id);

async function started() {
  const clock = { t: Date.parse('2016-05-20T02:00:00Z'), now() { return this.t; } };
  const ctx: Context = makeContext({ repo: makeMemoryRepository(), mailer: makeMemoryMailer(), workflow: makeMemoryWorkflow(), documents: makeMemoryDocumentStore(), clock });
  await startCycle(ctx, { plan: planJson, startedBy: 'city-admin' });
  const submit = (unitId: string, deliverableId = 'implementation-plan') => submitDeliverable(ctx, { cycleId: CYCLE, unitId, deliverableId, submittedBy: `${unitId}-staff` });
  return { clock, ctx, submit };
}

/** Two on time, one late, one granted an extension past the deadline; on Fri 3 June the implementation plan (due Tue 31 May) is past. */
async function midJune() {
  const s = await started();
  await s.submit('yanping');
  await s.submit('shaowu');
  s.clock.t = Date.parse('2016-06-02T02:00:00Z');
  await s.submit('jianyang');
  await grantExtension(s.ctx, { cycleId: CYCLE, unitId: 'songxi', deliverableId: 'implementation-plan', lastDay: '2016-06-10', reason: '县领导班子调整', grantedBy: 'city' });
  s.clock.t = Date.parse('2016-06-03T02:00:00Z');
  await recordOutcome(s.ctx, { cycleId: CYCLE, unitId: 'yanping', outcome: 'qualified' });
  return s;
}

describe('dashboard, page by page', () => {
  it('walks every unit once, in plan order, with the cursor of each page; the totals are the whole cycle on every page', async () => {
    // Prepare
    const s = await midJune();

    // Act
    const pages = [];
    let cursor: string | null = null;
    do {
      const page = await dashboard(s.ctx, { cycleId: CYCLE, cursor, limit: 4 });
      pages.push(page);
      cursor = page.page.next;
    } while (cursor);

    // Assess
    expect(pages.map((p) => p.units.map((u) => u.unitId))).toEqual([IDS.slice(0, 4), IDS.slice(4, 8), IDS.slice(8)]);
    expect(pages.map((p) => p.page.next)).toEqual([IDS[3], IDS[7], null]);
    const states = pages.flatMap((p) => p.units.flatMap((u) => u.phases.flatMap((ph) => ph.deliverables.map((d) => d.state))));
    const count = (state: string) => states.filter((x) => x === state).length;
    const expected = { units: 10, submittedOnTime: count('submitted-on-time'), submittedLate: count('submitted-late'), missing: count('missing'), qualified: 1 };
    expect(expected).toEqual({ units: 10, submittedOnTime: 2, submittedLate: 1, missing: 6, qualified: 1 });
    for (const p of pages) expect(p.totals).toEqual(expected);
    const songxi = pages.flatMap((p) => p.units).find((u) => u.unitId === 'songxi')!;
    expect(songxi.phases[0].deliverables[0]).toMatchObject({ state: 'due', extended: true });
    expect(pages[0].targets).toEqual({ coveragePercent: 90, passRatePercent: 80, metBy: '2016-11-09' });
    expect(pages[0].levels.units).toEqual({ level: 'county', word: '县(市、区)', wordEn: 'county', wordEnPlural: 'counties' });
  });

  it('awaiting-decision (初评队列): a reviewed version newer than the last decision and no outcome', async () => {
    // Prepare: yanping and shaowu report; yanping's v1 is returned; jianyang's report is approved and settled.
    const s = await started();
    s.clock.t = Date.parse('2016-11-03T02:00:00Z');
    const report = (unitId: string) => submitDeliverable(s.ctx, {
      cycleId: CYCLE, unitId, deliverableId: 'self-assessment-report', submittedBy: `${unitId}-staff`, selfAssessment: exampleSelfAssessment(NANPING),
    });
    for (const u of ['yanping', 'shaowu', 'jianyang']) await report(u);
    const decide = (unitId: string, outcome: 'approved' | 'returned', version: number) => s.ctx.repo.recordDecision({
      cycleId: CYCLE, unitId, round: 1, version, outcome, decidedBy: 'city', decidedAt: '2016-11-10T02:00:00.000Z', ...(outcome === 'returned' ? { reason: '材料不全' } : {}),
    });
    await decide('yanping', 'returned', 1);
    await decide('jianyang', 'approved', 1);
    await recordOutcome(s.ctx, { cycleId: CYCLE, unitId: 'jianyang', outcome: 'qualified' });
    const queue = async () => (await dashboard(s.ctx, { cycleId: CYCLE, limit: 100, filter: 'awaiting-decision' })).units.map((u) => u.unitId);
    // Act + Assess: yanping waits for its rectification, not for the city.
    expect(await queue()).toEqual(['shaowu']);
    s.clock.t = Date.parse('2016-11-14T02:00:00Z');
    await report('yanping');
    expect((await queue()).sort()).toEqual(['shaowu', 'yanping']);
  });

  it('keeps the units of a page that match a filter; the cursor still moves by the page', async () => {
    const s = await midJune();
    const missing = await dashboard(s.ctx, { cycleId: CYCLE, limit: 5, filter: 'missing' });
    expect(missing.units.every((u) => u.phases.some((p) => p.deliverables.some((d) => d.state === 'missing')))).toBe(true);
    expect(missing.units.map((u) => u.unitId)).toEqual(IDS.slice(0, 5).filter((id) => !['yanping', 'shaowu', 'jianyang', 'songxi'].includes(id)));
    expect(missing.page).toMatchObject({ limit: 5, filter: 'missing', unitsRead: 5, next: IDS[4] });
    expect((await dashboard(s.ctx, { cycleId: CYCLE, limit: 100, filter: 'late' })).units.map((u) => u.unitId)).toEqual(['jianyang']);
    expect((await dashboard(s.ctx, { cycleId: CYCLE, limit: 100, filter: 'qualified' })).units.map((u) => u.unitId)).toEqual(['yanping']);
  });

  it('refuses a cursor that is not a unit of the cycle, naming it', async () => {
    const s = await started();
    const err = await dashboard(s.ctx, { cycleId: CYCLE, cursor: 'nowhere' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems.map((p) => `${p.path} ${p.rule}`)).toEqual(['cursor unknown-cursor']);
    expect((err as ValidationError).problems[0].message.zh).toContain('分页游标“nowhere”不是本周期的单位');
  });
});

describe('GET /cycles/{cycleId}/dashboard query', () => {
  const lambda = { functionName: 'api-test', awsRequestId: 'aws-req-1', getRemainingTimeInMillis: () => 10_000 } as unknown as LambdaContext;
  const get = async (ctx: Context, query: Record<string, string> | undefined) =>
    makeGetDashboard(ctx)(
      {
        version: '2.0',
        routeKey: 'GET /cycles/{cycleId}/dashboard',
        rawPath: `/cycles/${CYCLE}/dashboard`,
        rawQueryString: query ? new URLSearchParams(query).toString() : '',
        headers: { 'accept-language': 'en' },
        ...(query ? { queryStringParameters: query } : {}),
        pathParameters: { cycleId: CYCLE },
        requestContext: {
          requestId: 'req-dash',
          http: { method: 'GET', path: `/cycles/${CYCLE}/dashboard`, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'vitest' },
          authorizer: { jwt: { claims: { token_use: 'access', username: 'city-a', 'cognito:groups': '[city-office]' }, scopes: null } },
        },
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer,
      lambda,
    );

  it('takes cursor, limit and filter, and answers a page', async () => {
    const s = await midJune();
    const res = await get(s.ctx, { cursor: IDS[1], limit: '3', filter: 'missing' });
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body!);
    expect(body.page).toEqual({ cursor: IDS[1], limit: 3, filter: 'missing', unitsRead: 3, next: IDS[4] });
    expect((await get(s.ctx, undefined)).statusCode).toBe(200);
  });

  it('names each bad parameter and its rule', async () => {
    const s = await started();
    const res = await get(s.ctx, { limit: '101', filter: 'everything', cursor: 'NOT A UNIT', page: '2' });
    expect(res.statusCode).toBe(400);
    const problems = JSON.parse(res.body!).error.problems.map((p: { path: string; rule: string }) => `${p.path} ${p.rule}`);
    expect(problems.sort()).toEqual(['query.cursor format.slug', 'query.filter enum', 'query.limit too-large', 'query.page unknown-field']);
    const zero = JSON.parse((await get(s.ctx, { limit: '0' })).body!).error.problems;
    expect(zero.map((p: { path: string; rule: string }) => `${p.path} ${p.rule}`)).toEqual(['query.limit format.positive-integer']);
  });
});
