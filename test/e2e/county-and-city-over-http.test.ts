/**
 * End to end over HTTP on the twin, as the people use it: a county uploads a PDF and submits its
 * self-assessment, finds the receipt in the SES emulator's inbox; the city returns it for rectification;
 * the county resubmits; the city approves; the unit's execution moves on and records the outcome.
 * Everything goes through the local API gateway with tokens from the local issuer; nothing is called in-process.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSchema } from '../../core/plan/schema';
import { atLocalTime } from '../../core/time';
import { startCycle } from '../../core/use-cases/cycle';
import { usersFromPlan } from '../../local/api/users';
import { exampleSelfAssessment } from '../../local/scenario';
import { startTwin, type Twin } from '../../local/twin';

const plan = planSchema.parse(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
const CYCLE = plan.cycleId;
const UNIT = 'yanping';
const REPORT = 'self-assessment-report';
const unitPath = `/cycles/${CYCLE}/units/${UNIT}`;

/** A small but real PDF: what file-type recognises by its magic bytes. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

let twin: Twin;
const dataDir = mkdtempSync(join(tmpdir(), 'twin-e2e-'));

beforeAll(async () => {
  twin = await startTwin({ dataDir, startAt: atLocalTime(plan.phases[0].opens, '00:00').toMillis(), mode: { kind: 'simulated' }, users: usersFromPlan(plan), logLevel: 'ERROR' });
  await twin.clock.track(() => startCycle(twin.ctx, { plan, startedBy: 'city-admin' }));
  // Monday 7 November 2016, 09:00 Beijing: the self-assessment phase is open, the report is due by the 9th.
  await twin.clock.runUntil(Date.parse('2016-11-07T09:00:00+08:00'));
});
afterAll(async () => {
  await twin?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(user: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${twin.endpoints.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${await twin.tokenFor(user)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Upload a file the way a browser does (the form's fields, then the file), then have the server check it. */
async function uploadPdf(fileName: string): Promise<string> {
  const form = await call(UNIT, 'POST', `${unitPath}/uploads`, { fileName, contentType: 'application/pdf', size: PDF.length });
  expect(form.status).toBe(201);
  const data = new FormData();
  for (const [k, v] of Object.entries(form.body.fields as Record<string, string>)) data.append(k, v);
  data.append('file', new Blob([PDF], { type: 'application/pdf' }), fileName);
  const posted = await fetch(form.body.url, { method: 'POST', body: data });
  expect(posted.status).toBeLessThan(300);
  const checked = await call(UNIT, 'POST', `${unitPath}/uploads/${form.body.uploadId}/check`);
  expect(checked.body).toMatchObject({ status: 'checked', size: PDF.length, sha256: createHash('sha256').update(PDF).digest('hex') });
  return form.body.uploadId;
}

const settle = (isoBeijing: string) => twin.clock.runUntil(Date.parse(isoBeijing));

describe('a county submits, the city returns it, the county resubmits, the city approves', () => {
  it('runs the whole review over HTTP, and the unit execution proceeds', async () => {
    // The county sees what is due.
    const overview = await call(UNIT, 'GET', unitPath);
    expect(overview.status).toBe(200);
    const due = overview.body.phases.flatMap((p: any) => p.deliverables).find((d: any) => d.deliverableId === REPORT);
    expect(due).toMatchObject({ state: 'due', lastDay: '2016-11-09', daysLeft: 2 });

    // It uploads its report as a PDF and submits the structured self-assessment with it as evidence.
    const uploadId = await uploadPdf('延平区自评报告.pdf');
    const selfAssessment = exampleSelfAssessment(plan);
    selfAssessment.scores[0].evidence = [uploadId];
    selfAssessment.roster = [
      ...selfAssessment.roster.slice(0, 9),
      { name: '第10社区', created: false, qualified: false },
    ];
    const preview = await call(UNIT, 'POST', `${unitPath}/deliverables/${REPORT}/self-assessment/preview`, { selfAssessment });
    expect(preview.body).toMatchObject({ canSubmit: true, figures: { communities: 10, created: 9, coverage: 0.9 } });
    const v1 = await call(UNIT, 'POST', `${unitPath}/deliverables/${REPORT}/versions`, { narrative: '延平区自查自评情况', documents: [uploadId], selfAssessment });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ version: 1, onTime: true });

    // The receipt is in the SES emulator's inbox, with the document's hash.
    const sha = createHash('sha256').update(PDF).digest('hex');
    const receipts = (await twin.inbox()).filter((m) => m.subject.includes('回执') && m.destination.to.includes(plan.units.find((u) => u.id === UNIT)!.office.email));
    expect(receipts).toHaveLength(1);
    expect(receipts[0].body.text).toContain(sha);
    const receipt = await call(UNIT, 'GET', `${unitPath}/deliverables/${REPORT}/versions/1/receipt`);
    expect(receipt.body).toMatchObject({ version: 1, onTime: true, documents: [{ fileName: '延平区自评报告.pdf', sha256: sha }] });

    // The review opens after the deadline; the city returns the report with a score, a reason and a deadline.
    await settle('2016-11-10T10:00:00+08:00');
    const dashboard = await call('city', 'GET', `/cycles/${CYCLE}/dashboard`);
    const row = dashboard.body.units.find((u: any) => u.unitId === UNIT);
    expect(row.review).toMatchObject({ round: 1, outcome: null });
    const returned = await call('city', 'PUT', `${unitPath}/reviews/1/decision`, {
      outcome: 'returned',
      reason: '社区创建台账不完整，请补充第10社区的创建材料。',
      scores: [{ itemId: plan.rubric.items[0].id, score: plan.rubric.items[0].maxPoints - 1, reason: '领导批示材料缺失' }],
      rectificationLastDay: '2016-11-18',
      version: 1,
    });
    expect(returned.status).toBe(201);
    expect(returned.body).toMatchObject({ workflow: 'continued', decision: { outcome: 'returned', decidedBy: 'city', rectificationLastDay: '2016-11-18' } });
    // A second city user deciding the same round now gets a 409 that names who decided.
    const late = await call('city', 'PUT', `${unitPath}/reviews/1/decision`, { outcome: 'approved' });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('city');

    await settle('2016-11-10T10:05:00+08:00');
    const notice = (await twin.inbox()).find((m) => m.subject.includes('限期整改'));
    expect(notice?.body.text).toContain('2016年11月18日');

    // The county resubmits; the first version stays readable.
    await settle('2016-11-14T10:00:00+08:00');
    const v2 = await call(UNIT, 'POST', `${unitPath}/deliverables/${REPORT}/versions`, {
      narrative: '已补充第10社区创建材料',
      documents: [uploadId],
      selfAssessment: { ...selfAssessment, roster: selfAssessment.roster.map((r) => ({ ...r, created: true, qualified: true })) },
    });
    expect(v2.body).toMatchObject({ version: 2, onTime: true, figures: { coverage: 1, passRate: 1 } });
    const list = await call(UNIT, 'GET', `${unitPath}/submissions`);
    const versions = list.body.deliverables.find((d: any) => d.deliverableId === REPORT).versions;
    expect(versions.map((v: any) => v.version)).toEqual([1, 2]);
    const old = await call('city', 'GET', `${unitPath}/deliverables/${REPORT}/versions/1`);
    expect(old.body).toMatchObject({ version: 1, narrative: '延平区自查自评情况' });
    expect(await (await fetch(old.body.documents[0].downloadUrl)).arrayBuffer().then((b) => Buffer.from(b).equals(PDF))).toBe(true);

    // The city approves round 2; the execution records the outcome and tells the county.
    await settle('2016-11-14T10:05:00+08:00');
    const approved = await call('city', 'PUT', `${unitPath}/reviews/2/decision`, { outcome: 'approved', version: 2 });
    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({ workflow: 'continued', decision: { round: 2, outcome: 'approved' } });
    const repeat = await call('city', 'PUT', `${unitPath}/reviews/2/decision`, { outcome: 'approved', version: 2 });
    expect(repeat).toMatchObject({ status: 200, body: { repeated: true } });
    await settle('2016-11-14T10:10:00+08:00');
    const after = await call(UNIT, 'GET', unitPath);
    expect(after.body.review).toMatchObject({ outcome: { outcome: 'qualified' } });
    expect((await twin.inbox()).some((m) => m.subject.includes('初评') && m.destination.to.includes(plan.units.find((u) => u.id === UNIT)!.office.email) && (m.body.text ?? '').includes('合格'))).toBe(true);

    // Every action is in the audit log with who, role and when.
    const audit = (await twin.ctx.repo.listAudit(CYCLE)).filter((a) => a.unitId === UNIT);
    expect(audit.filter((a) => a.action === 'submit').map((a) => [a.actor, a.role])).toEqual([[UNIT, 'county'], [UNIT, 'county']]);
    expect(audit.filter((a) => a.action === 'decide').map((a) => [a.actor, a.role, a.what.outcome])).toEqual([['city', 'city', 'returned'], ['city', 'city', 'approved']]);
  });
});
