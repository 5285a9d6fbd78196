/**
 * Who may do what, over the local gateway with the real handlers: every route of functions/routes.ts
 * against every kind of caller (the city office, the county acting on its own unit, another county acting
 * on it, no token, an expired token, a token for another app, a token with a forged signature, an ID token),
 * each cell its own test. A refused request leaves every store as it was (the table, the documents bucket,
 * the SES inbox); so does every read and the preview. The writes a caller may make run last, after the
 * matrix, so that none of them changes what the other cells act on.
 *
 * The cycle is at noon on 10 November 2016: `yanping` has uploaded and checked a PDF, submitted its
 * implementation plan and its self-assessment report, and review round 1 waits for the city.
 *
 * Inspectors (检查组成员, issue 10) act in the district's cycle (plans/binjiang-streets-2026-example.json,
 * started beside Nanping's; its window and draw are in 2026, so its sample is not drawn yet): `inspector`
 * is the account of the group that inspects `changhe`, `other inspector` one of a group of the same plan
 * that does not. Their requests name that cycle and `changhe`; every route is tried by both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type Access, type RouteEntry, type RouteFunction } from '../../functions/routes';
import type { RouteSchemas } from '../../functions/_shared/api-handler';
import { registerRoster } from '../../core/use-cases/rosters';
import { exampleSelfAssessment } from '../../local/scenario';
import {
  CYCLE,
  NO_SUCH_UNIT,
  OTHER_UNIT,
  PDF_BYTES,
  REVIEWED,
  UNIT,
  callApi,
  plan,
  startApiTwin,
  type ApiAnswer,
  type ApiTwin,
  type ErrorBody,
  type StateSnapshot,
} from '../helpers/api-twin';
import { planCopy } from '../helpers/plans';
import { readFileSync } from 'node:fs';
import { validatePlan } from '../../core/plan/validate';
import { startCycle } from '../../core/use-cases/cycle';
import { inspectorsFromPlan, usersFromPlan } from '../../local/api/users';

const district = validatePlan(JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8')));
if (!district.ok) throw new Error('district plan invalid');
const DISTRICT = district.plan;
/** The unit `inspector` inspects, and the two groups of the district's plan. */
const INSPECTED = 'changhe';
const GROUP = DISTRICT.inspection!.groups.find((g) => g.units.includes(INSPECTED))!;
const OTHER_GROUP = DISTRICT.inspection!.groups.find((g) => !g.units.includes(INSPECTED))!;
const PDF_NAME = '检查记录.pdf';

type Route = (typeof ROUTES)[number];

const IDENTITIES = ['city', 'own county', 'other county', 'inspector', 'other inspector', 'no token', 'expired token', 'wrong audience', 'wrong signature', 'ID token'] as const;
const INSPECTORS: readonly Identity[] = ['inspector', 'other inspector'];
type Identity = (typeof IDENTITIES)[number];
/** Refused by the gateway's JWT authorizer (or, for the ID token, by the handler): never a caller. */
const NOT_A_CALLER: readonly Identity[] = ['no token', 'expired token', 'wrong audience', 'wrong signature', 'ID token'];

/** The routes that change something when allowed; everything else is a read (the preview stores nothing). */
const WRITES: ReadonlySet<RouteFunction> = new Set(['create-upload', 'check-upload', 'submit-deliverable', 'decide-review', 'grant-extension', 'fix-contact', 'sign-notice', 'decide-proposal', 'start-cycle', 'edit-unit-contacts', 'put-unit-roster', 'put-inspection-result', 'put-inspection-score', 'confirm-forwarding', 'issue-commendation']);
/**
 * The cross-inspection's results and score (issue 10 item 4): Nanping's 2016 plan inspects nobody, so an allowed
 * caller gets through to the use case, which answers 404 (yanping is not inspected in that window) and stores
 * nothing. What these routes do when allowed is covered on the district's plan (test/unit/capabilities.test.ts
 * over the handlers, test/unit/inspection-results.test.ts on the use cases).
 */
const NOT_INSPECTED: ReadonlySet<RouteFunction> = new Set(['get-inspection-results', 'put-inspection-result', 'get-inspection-score', 'put-inspection-score']);
/**
 * The district's window has not been drawn yet (it is 2016): an inspector gets through to the use case, which
 * refuses to record before the draw (409 inspection.before-draw) and stores nothing.
 */
const BEFORE_DRAW: ReadonlySet<RouteFunction> = new Set(['put-inspection-result', 'put-inspection-score']);
/** What an allowed, valid request is answered with. */
const ALLOWED_STATUS: Partial<Record<RouteFunction, number>> = {
  'get-inspection-results': 404, 'put-inspection-result': 404, 'get-inspection-score': 404, 'put-inspection-score': 404, 'create-upload': 201, 'submit-deliverable': 201, 'decide-review': 201, 'grant-extension': 201, 'sign-notice': 201, 'decide-proposal': 201, 'start-cycle': 201, 'edit-unit-contacts': 201, 'put-unit-roster': 201,
  // The twin's year is in the review: no list to confirm yet, no unit qualified yet. The use case refuses (nothing
  // written); that they get past the access check is what this matrix shows. Their successes: test/unit/forwarding.test.ts.
  'confirm-forwarding': 409, 'issue-commendation': 400 };
/**
 * yanping's registered roster (社区/村名单), version 1, stored before the matrix runs: the communities its
 * self-assessment names (a report naming an unregistered one is refused).
 */
const ROSTER = exampleSelfAssessment(plan).roster.map((r) => ({ name: r.name, kind: 'community' as const, takingPart: true, contact: { name: '陈水南', telephone: '0599-8601001' } }));
/** The plan the city starts: the example's, a year later (its execution waits for 2017 instead of replaying 2016 at once). */
const NEXT_YEAR = planCopy(plan, { cycleId: 'nanping-2017', title: '南平市2017年创建工作', years: 1 });

/** The access rules of functions/routes.ts, as a table: the status for a caller, 'allowed' when it gets through. */
function expected(identity: Identity, access: Access): 401 | 403 | 'allowed' {
  if (access === 'public') return 'allowed';
  if (NOT_A_CALLER.includes(identity)) return 401;
  type Caller = 'city' | 'own county' | 'other county' | 'inspector' | 'other inspector';
  const rules: Record<Exclude<Access, 'public'>, Record<Caller, boolean>> = {
    'signed-in': { city: true, 'own county': true, 'other county': true, inspector: true, 'other inspector': true },
    county: { city: false, 'own county': true, 'other county': false, inspector: false, 'other inspector': false },
    unit: { city: true, 'own county': true, 'other county': false, inspector: false, 'other inspector': false },
    city: { city: true, 'own county': false, 'other county': false, inspector: false, 'other inspector': false },
    // The other group is in the plan too: the cycle's list of inspections is its to read (its own group's rows).
    inspection: { city: true, 'own county': false, 'other county': false, inspector: true, 'other inspector': false },
    'unit-inspection': { city: true, 'own county': true, 'other county': false, inspector: true, 'other inspector': false },
  };
  return rules[access][identity as Caller] ? 'allowed' : 403;
}

/** The list of inspections names no unit: both groups of the plan may read it. */
function expectedFor(identity: Identity, route: Route): 401 | 403 | 'allowed' {
  if (identity === 'other inspector' && route.function === 'list-inspections') return 'allowed';
  return expected(identity, route.access);
}

function allowedStatus(cell: Pick<Cell, 'identity' | 'route'>): number {
  if (INSPECTORS.includes(cell.identity)) {
    if (BEFORE_DRAW.has(cell.route.function)) return 409;
    if (cell.route.function === 'create-upload') return 201;
    return 200;
  }
  return ALLOWED_STATUS[cell.route.function] ?? 200;
}

/** Where a request acts: yanping's upload and a notice it received, and by default the example cycle and yanping itself. */
interface At {
  uploadId: string;
  messageId: string;
  proposalId: string;
  unitId?: string;
  cycleId?: string;
}

/** The route's path parameters: the cycle, the unit, the reviewed deliverable, version 1, review round 1, the upload, the notice. */
function paramsFor(route: Route, at: At): Record<string, string> {
  const values: Record<string, string> = { cycleId: at.cycleId ?? CYCLE, unitId: at.unitId ?? UNIT, deliverableId: REVIEWED, version: '1', round: '1', uploadId: at.uploadId, messageId: at.messageId, proposalId: at.proposalId, windowId: 'cross-check' };
  return Object.fromEntries(
    [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
      if (!(name in values)) throw new Error(`no value for {${name}} in ${route.path}`);
      return [name, values[name]];
    }),
  );
}

/** A concrete, valid request for the route. */
function requestFor(route: Route, at: At): { method: string; path: string; body?: unknown } {
  const { uploadId } = at;
  const params = paramsFor(route, at);
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]));
  const bodies: Partial<Record<RouteFunction, unknown>> = {
    'create-upload': { fileName: '自评报告附件.pdf', contentType: 'application/pdf', size: PDF_BYTES.length },
    'preview-self-assessment': { selfAssessment: exampleSelfAssessment(plan) },
    'submit-deliverable': { narrative: '延平区自评报告（第二版）', documents: [uploadId], selfAssessment: exampleSelfAssessment(plan) },
    'decide-review': { outcome: 'approved', version: 1 },
    'grant-extension': { lastDay: '2016-11-15', reason: '因汛期影响，准予延期' },
    'fix-contact': { email: 'yanping-office@nanping.example.cn' },
    'decide-proposal': { action: 'withdraw', reason: '该县已书面说明原因' },
    'validate-plan': NEXT_YEAR,
    'start-cycle': NEXT_YEAR,
    'edit-unit-contacts': { version: 0, office: { name: '延平区打传办', email: 'dcb@yanping.example.cn' } },
    // yanping registered version 1 before the matrix (beforeAll): this is its next version.
    'put-unit-roster': { version: 1, communities: [...ROSTER, { ...ROSTER[0], name: '塔前村', kind: 'village' }], reason: '新增塔前村' },
    'confirm-forwarding': { note: '名单经核对无误' },
    'issue-commendation': { units: ['yanping'], text: '创建工作扎实，成效显著。' },
    'put-inspection-result': { version: 0, community: ROSTER[0].name, passed: true, notes: '抽查合格' },
    'put-inspection-score': { version: 0, items: plan.rubric.items.map((i) => ({ itemId: i.id, ...(i.kind === 'veto' ? { veto: 'passed' } : {}) })) },
  };
  return { method: route.method, path, ...(route.function in bodies ? { body: bodies[route.function] } : {}) };
}

interface Cell {
  name: string;
  identity: Identity;
  route: Route;
  expect: 401 | 403 | 'allowed';
}

const cells: Cell[] = IDENTITIES.flatMap((identity) =>
  ROUTES.map((route) => {
    const e = expectedFor(identity, route);
    return { name: `${identity}: ${route.method} ${route.path} (${route.access}) -> ${e}`, identity, route, expect: e };
  }),
);
const allowedWrite = (c: Cell) => c.expect === 'allowed' && WRITES.has(c.route.function);
/** Every refused cell whose path names a unit: its answer must not depend on whether the unit exists. */
const forbiddenOnAUnit = cells.filter((c) => c.expect === 403 && c.route.path.includes('{unitId}'));

describe('the authorization matrix over the local gateway', () => {
  let api: ApiTwin;
  const tokens = new Map<Identity, string | undefined>();
  /** The state after the last cell that passed: the next cell's "before" (a fresh one after a failure). */
  let last: StateSnapshot | undefined;

  beforeAll(async () => {
    api = await startApiTwin({ users: [...usersFromPlan(plan), ...inspectorsFromPlan(DISTRICT)] });
    const t = api.twin;
    tokens.set('city', await t.tokenFor('city'));
    tokens.set('own county', await t.tokenFor(UNIT));
    tokens.set('other county', await t.tokenFor(OTHER_UNIT));
    const [inspector, otherInspector] = [GROUP, OTHER_GROUP].map((g) => inspectorsFromPlan(DISTRICT).find((u) => u.groups.includes(`inspector-${g.id}`))!);
    tokens.set('inspector', await t.tokenFor(inspector.username));
    tokens.set('other inspector', await t.tokenFor(otherInspector.username));
    // The district's cycle beside Nanping's, and the inspector's checked upload of evidence on changhe.
    await t.clock.track(() => startCycle(t.ctx, { plan: DISTRICT, startedBy: 'city-admin' }));
    await t.clock.runUntil(t.clock.now());
    inspectorUploadId = await uploadAs(tokens.get('inspector')!, DISTRICT.cycleId, INSPECTED);
    tokens.set('no token', undefined);
    tokens.set('expired token', await t.tokenFor(UNIT, { expired: true }));
    tokens.set('wrong audience', await t.tokenFor(UNIT, { clientId: 'someone-else' }));
    tokens.set('wrong signature', await t.tokenFor(UNIT, { signWithAnotherKey: true }));
    tokens.set('ID token', await t.tokenFor(UNIT, { use: 'id' }));
    const listed = await callApi(t, { method: 'GET', path: `/cycles/${CYCLE}/units/${UNIT}/messages`, token: tokens.get('own county') });
    const notices = (listed.json as { messages: Array<{ messageId: string; notice: boolean; kind: string }> }).messages.filter((m) => m.notice);
    messageId = notices.find((m) => m.kind === 'phase-opened')!.messageId;
    // yanping sent no progress report: the ladder drafted a 通报批评 for each.
    proposalId = (await t.ctx.repo.listProposals(CYCLE)).find((p) => p.unitId === UNIT && p.status === 'proposed')!.proposalId;
    // A roster to read (GET …/roster/versions/1) and to register the next version of.
    await registerRoster(t.ctx, { cycleId: CYCLE, unitId: UNIT, version: 0, communities: ROSTER, registeredBy: UNIT });
  });
  afterAll(async () => {
    await api?.close();
  });

  /** A notice yanping received (a phase's opening), to sign for. */
  let messageId = '';
  /** The inspector's checked PDF on changhe (create-upload, the form, check-upload: all as the inspector). */
  let inspectorUploadId = '';
  const uploadAs = async (token: string, cycleId: string, unitId: string) => {
    const path = `/cycles/${cycleId}/units/${unitId}/uploads`;
    const formRes = await callApi(api.twin, { method: 'POST', path, token, body: { fileName: PDF_NAME, contentType: 'application/pdf', size: PDF_BYTES.length } });
    expect(formRes.status, formRes.text).toBe(201);
    const form = formRes.json as { uploadId: string; url: string; fields: Record<string, string> };
    const body = new FormData();
    for (const [name, value] of Object.entries(form.fields)) body.append(name, value);
    body.append('file', new Blob([PDF_BYTES], { type: 'application/pdf' }), PDF_NAME);
    expect((await fetch(form.url, { method: 'POST', body })).status).toBeLessThan(300);
    const checked = await callApi(api.twin, { method: 'POST', path: `${path}/${form.uploadId}/check`, token });
    expect(checked.json).toMatchObject({ status: 'checked' });
    return form.uploadId;
  };
  /** A 通报批评 proposal about yanping, to withdraw. */
  let proposalId = '';
  /** Inspectors act in the district's cycle, on changhe (and on their own upload); everyone else in Nanping's. */
  const send = (c: Pick<Cell, 'identity' | 'route'>, at: Omit<At, 'uploadId' | 'messageId' | 'proposalId'> = {}) => {
    const where = INSPECTORS.includes(c.identity)
      ? { uploadId: inspectorUploadId, messageId, proposalId, cycleId: DISTRICT.cycleId, unitId: INSPECTED }
      : { uploadId: api.uploadId, messageId, proposalId };
    return callApi(api.twin, { ...requestFor(c.route, { ...where, ...at }), token: tokens.get(c.identity) });
  };

  it('covers every route of the table with every caller, each with a request its schemas accept', async () => {
    expect(cells).toHaveLength(IDENTITIES.length * ROUTES.length);
    // A refusal must be for who is asking, not for what is asked: each request is valid for its route.
    for (const route of ROUTES) {
      const { route: schemas } = (await import(`../../functions/${route.function}/route.ts`)) as { route: RouteEntry & { schemas: RouteSchemas } };
      const ids = { uploadId: '00000000-0000-4000-8000-000000000000', messageId: '0'.repeat(32), proposalId: '0'.repeat(32) };
      const r = requestFor(route, ids);
      const params = paramsFor(route, ids);
      if (schemas.schemas.params) expect(schemas.schemas.params.safeParse(params).success, `${route.function} params`).toBe(true);
      else expect(params, `${route.function} takes no path parameters`).toEqual({});
      if (schemas.schemas.body) expect(schemas.schemas.body.safeParse(r.body).success, `${route.function} body`).toBe(true);
      else expect(r.body, `${route.function} takes no body`).toBeUndefined();
    }
  });

  describe('refused requests change nothing; reads and the preview neither', () => {
    it.each(cells.filter((c) => !allowedWrite(c)).map((c) => [c.name, c] as const))('%s', async (_, cell) => {
      // Prepare
      const before = last ?? (await api.probe.snapshot());
      last = undefined;
      // Act
      const res = await send(cell);
      // Assess
      assertCell(res, cell);
      const after = await api.probe.snapshot();
      await api.probe.expectUnchanged(before, `${cell.name} (answered ${res.status})`);
      last = after;
    });
  });

  describe('a 403 on a unit says nothing about it: the same answer for an existing unit, a non-existent one, a non-existent cycle', () => {
    it.each(forbiddenOnAUnit.map((c) => [c.name, c] as const))('%s', async (_, cell) => {
      const before = await api.probe.snapshot();
      const existing = await send(cell);
      const missing = [await send(cell, { unitId: NO_SUCH_UNIT }), await send(cell, { cycleId: 'no-such-cycle' })];
      expect([existing, ...missing].map((r) => r.status)).toEqual([403, 403, 403]);
      const withoutRequestId = (r: ApiAnswer) => {
        const { requestId, ...rest } = r.json as ErrorBody;
        expect(requestId).toEqual(expect.any(String));
        return rest;
      };
      expect(withoutRequestId(existing)).toEqual({ error: { code: 'ForbiddenError', message: '无权访问该资源' } });
      for (const other of missing) {
        expect(withoutRequestId(other)).toEqual(withoutRequestId(existing));
        for (const h of ['content-type', 'content-language', 'cache-control']) expect(other.headers.get(h)).toBe(existing.headers.get(h));
      }
      const unit = plan.units.find((u) => u.id === UNIT)!;
      for (const name of [unit.name, unit.nameEn!, unit.office.email, unit.office.name]) expect(existing.text).not.toContain(name);
      await api.probe.expectUnchanged(before, cell.name);
    });
  });

  describe('allowed writes, last (each one is let through and does its work)', () => {
    // The approval settles the unit's review (its outcome is recorded): a new version or an extension after
    // it is refused with a 409, so it goes last but one. A started cycle's execution goes on writing (its
    // registration) after the answer, so it goes last of all.
    const settlesLast = (c: Cell) => (c.route.function === 'start-cycle' ? 2 : Number(c.route.function === 'decide-review'));
    const writes = cells.filter(allowedWrite).sort((a, b) => settlesLast(a) - settlesLast(b));
    it.each(writes.map((c) => [c.name, c] as const))('%s', async (_, cell) => {
      const before = await api.probe.snapshot();
      const res = await send(cell);
      assertCell(res, cell);
      const after = await api.probe.snapshot();
      if (cell.route.function === 'check-upload') {
        // Checked already: answered with its record, and checked once only.
        expect(res.json).toMatchObject({ uploadId: INSPECTORS.includes(cell.identity) ? inspectorUploadId : api.uploadId, status: 'checked' });
        expect(after.digest).toEqual(before.digest);
      } else if (cell.route.function === 'confirm-forwarding' || cell.route.function === 'issue-commendation') {
        // Let through, and refused by the use case: nothing written.
        expect((res.json as ErrorBody).error.code).toBe(cell.route.function === 'confirm-forwarding' ? 'ListNotFinalError' : 'ValidationError');
        expect(after.digest).toEqual(before.digest);
      } else if (INSPECTORS.includes(cell.identity) && BEFORE_DRAW.has(cell.route.function)) {
        // Let through to the district's window, which is not drawn yet: nothing recorded, nothing written.
        expect((res.json as ErrorBody).error.code).toBe('InspectionClosedError');
        expect(after.digest).toEqual(before.digest);
      } else if (NOT_INSPECTED.has(cell.route.function)) {
        // Let through; yanping is not inspected in Nanping's plan: nothing to record, nothing written.
        expect((res.json as ErrorBody).error.code).toBe('NotFoundError');
        expect(after.digest).toEqual(before.digest);
      } else if (cell.route.function === 'fix-contact') {
        // No address of the plan has bounced: nothing to mark as fixed, nothing written.
        expect(res.json).toEqual({ fixed: false });
        expect(after.digest).toEqual(before.digest);
      } else {
        expect(after.digest.dynamodb).not.toBe(before.digest.dynamodb);
      }
    });
  });
});

function assertCell(res: ApiAnswer, cell: Cell): void {
  const where = `${cell.name}: answered ${res.status} ${res.text.slice(0, 300)}`;
  if (cell.expect === 'allowed') {
    expect(res.status, where).toBe(allowedStatus(cell));
    return;
  }
  expect(res.status, where).toBe(cell.expect);
  if (cell.expect === 401 && cell.identity !== 'ID token') {
    // The gateway's authorizer refused it: API Gateway's own answer, and the handler never ran.
    expect(res.json, where).toEqual({ message: 'Unauthorized' });
    expect(res.headers.get('www-authenticate'), where).toMatch(/^Bearer/);
    return;
  }
  // The handler refused it (an ID token passes API Gateway's checks; a role is the handler's to check).
  const body = res.json as ErrorBody;
  expect(body.error, where).toEqual({
    code: cell.expect === 401 ? 'UnauthorizedError' : 'ForbiddenError',
    message: cell.expect === 401 ? '身份凭证无效，请重新登录' : '无权访问该资源',
  });
}
