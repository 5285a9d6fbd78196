/**
 * Inspection results and the score sheet (issue 10 item 4) against in-memory adapters, with the Binjiang example
 * plan (window cross-check, 7 to 11 September 2026; ⅓ samples drawn at 09:00 on the 7th; pass-rate target 80 %):
 * results only for sampled communities, within the window; version conflicts naming who and when; a retry stored
 * once; the score computed on the rubric; a failed veto item or a sampled pass rate under the target keeps a unit
 * off the list that goes up; ranking by inspection score; the workbook's 抽查合格率.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { InspectionClosedError, InspectionConflictError, NotFoundError, ValidationError } from '../../core/errors';
import type { RegisteredCommunity } from '../../core/inspection/model';
import { scoreSheet, type ScoreItemInput } from '../../core/inspection/scoring';
import { forwardToProvince, generateYearDocuments } from '../../core/use-cases/cycle';
import { drawInspectionSample } from '../../core/use-cases/inspection';
import {
  inspectionStandings,
  sendInspectionResultNotice,
  recordInspectionResult,
  recordInspectionScore,
  unitInspectionResults,
  unitInspectionScore,
} from '../../core/use-cases/inspection-results';
import { registerRoster } from '../../core/use-cases/rosters';
import { sendOutcomeNotice } from '../../core/use-cases/review';
import { dashboard } from '../../core/use-cases/views';
import { checkUpload, createUpload } from '../../core/use-cases/uploads';
import { tinyPdf } from '../helpers/files';
import { yearFixture } from '../helpers/year-report';

const WINDOW = 'cross-check';
const community = (name: string): RegisteredCommunity => ({ name, kind: 'community', takingPart: true, contact: { name: `${name}书记`, telephone: '0571-8770-3001' } });
const ROSTER = ['东冠社区', '江二社区', '星民社区', '白金海岸社区', '冠山社区', '缤纷社区'].map(community);

/** Binjiang's year at its forwarding day (xixing and changhe qualified by review, puyan not submitted), rosters registered and samples drawn. */
async function drawn() {
  const f = await yearFixture('binjiang-streets-2026-example.json');
  const forwardAt = f.clock.t;
  const cycleId = f.plan.cycleId;
  f.clock.t = Date.parse('2026-05-20T02:00:00Z');
  for (const u of f.plan.units) await registerRoster(f.ctx, { cycleId, unitId: u.id, version: 0, communities: ROSTER, registeredBy: u.id });
  f.clock.t = Date.parse('2026-09-08T02:00:00Z');
  for (const u of f.plan.units) await drawInspectionSample(f.ctx, { cycleId, unitId: u.id, windowId: WINDOW });
  const sampleOf = async (unitId: string) => (await f.repo.getSample(cycleId, unitId, WINDOW))!.sample.map((c) => c.name);
  const record = (unitId: string, over: Partial<Parameters<typeof recordInspectionResult>[1]>) =>
    recordInspectionResult(f.ctx, { cycleId, unitId, windowId: WINDOW, version: 0, community: '', passed: true, recordedBy: 'city', ...over });
  /** A full sheet: every item, no deduction, veto passed; `over` by item id. */
  const items = (over: Record<string, Partial<ScoreItemInput>> = {}): ScoreItemInput[] =>
    f.plan.rubric.items.map((i) => ({ itemId: i.id, ...(i.kind === 'veto' ? { veto: 'passed' as const } : {}), ...over[i.id] }));
  const score = (unitId: string, version: number, its: ScoreItemInput[]) =>
    recordInspectionScore(f.ctx, { cycleId, unitId, windowId: WINDOW, version, items: its, recordedBy: 'city' });
  return { ...f, cycleId, forwardAt, sampleOf, record, items, score };
}

describe('recording results', () => {
  it('records a sampled community once, audited with the actor and the group; a retry stores nothing', async () => {
    const s = await drawn();
    const [first] = await s.sampleOf('xixing');
    const done = await s.record('xixing', { community: first, passed: false, notes: '宣传栏未更新' });
    expect(done).toMatchObject({ recorded: true, result: { position: 1, name: first, passed: false, notes: '宣传栏未更新', version: 1, recordedBy: 'city' } });
    const retry = await s.record('xixing', { community: first, passed: false, notes: '宣传栏未更新' });
    expect(retry).toMatchObject({ recorded: false, result: { version: 1 } });
    const audit = (await s.repo.listAudit(s.cycleId)).filter((a) => a.action === 'record-inspection-result');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'city', role: 'city', unitId: 'xixing', what: { groupId: 'group-puyan', onBehalfOf: 'inspection-group', community: first, passed: false } });
    const view = await unitInspectionResults(s.ctx, { cycleId: s.cycleId, unitId: 'xixing', windowId: WINDOW });
    expect(view.communities.map((c) => c.result?.passed ?? null)).toEqual([false, null]);
  });

  it("records as the group's own inspector: the audit names the inspector, its role and the group, not 'on its behalf'", async () => {
    const s = await drawn();
    const [first] = await s.sampleOf('xixing');
    await s.record('xixing', { community: first, passed: true, recordedBy: 'group-puyan', recorderRole: 'inspector' });
    await recordInspectionScore(s.ctx, { cycleId: s.cycleId, unitId: 'xixing', windowId: WINDOW, version: 0, items: s.items(), recordedBy: 'group-puyan', recorderRole: 'inspector' });
    const audit = (await s.repo.listAudit(s.cycleId)).filter((a) => a.action === 'record-inspection-result' || a.action === 'record-inspection-score');
    expect(audit.map((a) => [a.action, a.actor, a.role, a.what.groupId, a.what.groupName])).toEqual([
      ['record-inspection-result', 'group-puyan', 'inspector', 'group-puyan', '浦沿街道检查组'],
      ['record-inspection-score', 'group-puyan', 'inspector', 'group-puyan', '浦沿街道检查组'],
    ]);
    for (const a of audit) expect(a.what).not.toHaveProperty('onBehalfOf');
  });

  it('refuses a community not in the sample, naming it, and stores nothing', async () => {
    const s = await drawn();
    const sampled = await s.sampleOf('xixing');
    const outside = ROSTER.map((c) => c.name).find((n) => !sampled.includes(n))!;
    const err = await s.record('xixing', { community: outside }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.problems).toEqual([expect.objectContaining({ path: 'community', rule: 'inspection.not-sampled' })]);
    expect(err.problems[0].message.zh).toContain(outside);
    expect(await s.repo.listInspectionResults(s.cycleId, 'xixing', WINDOW)).toEqual([]);
  });

  it('takes evidence the city office uploaded and the server checked in the unit\'s space', async () => {
    const s = await drawn();
    const [first] = await s.sampleOf('xixing');
    const city = { id: 'city', role: 'city' as const };
    const bytes = tinyPdf();
    const form = await createUpload(s.ctx, { cycleId: s.cycleId, unitId: 'xixing', actor: city, fileName: '现场照片.pdf', contentType: 'application/pdf', size: bytes.length });
    s.documents.putObject(form.key, bytes);
    const checked = await checkUpload(s.ctx, { cycleId: s.cycleId, unitId: 'xixing', uploadId: form.uploadId, actor: city });
    expect(checked.status).toBe('checked');
    const done = await s.record('xixing', { community: first, passed: false, evidence: [form.uploadId] });
    expect(done.result.evidence).toEqual([expect.objectContaining({ uploadId: form.uploadId, fileName: '现场照片.pdf', sha256: checked.document!.sha256 })]);
  });

  it('refuses evidence that is not a checked upload of the unit, naming the field', async () => {
    const s = await drawn();
    const [first] = await s.sampleOf('xixing');
    const err = await s.record('xixing', { community: first, evidence: ['no-such-upload'] }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.problems[0].path).toBe('evidence[0]');
    expect(await s.repo.listInspectionResults(s.cycleId, 'xixing', WINDOW)).toEqual([]);
  });

  it('refuses before the draw and after the window closes, with the rule; another window is not found', async () => {
    const s = await drawn();
    const [first] = await s.sampleOf('xixing');
    s.clock.t = Date.parse('2026-09-11T15:59:59Z'); // 23:59:59 on the last day, Beijing: still open
    expect((await s.record('xixing', { community: first })).recorded).toBe(true);
    s.clock.t = Date.parse('2026-09-11T16:00:00Z');
    const closed = await s.record('xixing', { community: first, version: 1, passed: false }).catch((e) => e);
    expect(closed).toBeInstanceOf(InspectionClosedError);
    expect(closed.details).toMatchObject({ rule: 'inspection.window-closed' });

    const fresh = await yearFixture('binjiang-streets-2026-example.json');
    fresh.clock.t = Date.parse('2026-09-08T02:00:00Z');
    const early = await recordInspectionResult(fresh.ctx, { cycleId: fresh.plan.cycleId, unitId: 'xixing', windowId: WINDOW, version: 0, community: '东冠社区', passed: true, recordedBy: 'city' }).catch((e) => e);
    expect(early).toBeInstanceOf(InspectionClosedError);
    expect(early.details).toMatchObject({ rule: 'inspection.before-draw' });
    await expect(s.record('xixing', { windowId: 'other-window', community: first })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a write from a stale version is a 409 naming who recorded the current one and when', async () => {
    const s = await drawn();
    const [first] = await s.sampleOf('xixing');
    await s.record('xixing', { community: first, passed: true, recordedBy: 'city-a' });
    const stale = await s.record('xixing', { community: first, passed: false, recordedBy: 'city-b' }).catch((e) => e);
    expect(stale).toBeInstanceOf(InspectionConflictError);
    expect(stale.status).toBe(409);
    expect(stale.text.zh).toContain('city-a');
    expect(stale.text.zh).toContain('2026年9月8日');
    expect(stale.details).toMatchObject({ version: 1, recordedBy: 'city-a' });
    const edited = await s.record('xixing', { community: first, passed: false, version: 1, recordedBy: 'city-b' });
    expect(edited.result).toMatchObject({ version: 2, passed: false, recordedBy: 'city-b' });
    expect((await s.repo.listAudit(s.cycleId)).filter((a) => a.action === 'record-inspection-result').map((a) => a.what.passed)).toEqual([true, false]);
  });
});

describe('the score sheet', () => {
  it('computes the score on the rubric: standard max − deduction, + bonus, − deduction items; veto adds nothing', async () => {
    const s = await drawn();
    const { items: rubric, total } = s.plan.rubric;
    const standardMax = rubric.filter((i) => i.kind === 'standard').reduce((n, i) => n + i.maxPoints, 0);
    const sheet = await s.score('xixing', 0, s.items({
      leadership: { deduction: 1.5, reason: '缺少分管领导批示' },
      'recognised-practice': { bonus: 2, reason: '经验被市级推广' },
      'late-reporting': { deduction: 1, reason: '信息迟报一次' },
    }));
    expect(sheet.recorded).toBe(true);
    expect(sheet.sheet).toMatchObject({ version: 1, score: standardMax - 1.5 + 2 - 1, total, vetoFailed: [] });
    expect(sheet.sheet.items.find((i) => i.itemId === 'leadership')).toMatchObject({ points: 4 - 1.5, reason: '缺少分管领导批示' });
    const again = await s.score('xixing', 0, s.items({
      leadership: { deduction: 1.5, reason: '缺少分管领导批示' }, 'recognised-practice': { bonus: 2, reason: '经验被市级推广' }, 'late-reporting': { deduction: 1, reason: '信息迟报一次' },
    }));
    expect(again.recorded).toBe(false);
    const stale = await s.score('xixing', 0, s.items()).catch((e) => e);
    expect(stale).toBeInstanceOf(InspectionConflictError);
    expect((await s.repo.listAudit(s.cycleId)).filter((a) => a.action === 'record-inspection-score')).toHaveLength(1);
  });

  it('refuses a sheet with a missing item, an unknown one, a deduction over the maximum or without its reason, a failed veto without a reason', () => {
    return drawn().then((s) => {
      const bad = scoreSheet(s.plan, [
        ...s.items({ leadership: { deduction: 5 } }).filter((i) => i.itemId !== 'law-publicity'),
        { itemId: 'no-such-item' },
      ].map((i) => (i.itemId === 'major-incident-veto' ? { itemId: i.itemId, veto: 'failed' as const } : i.itemId === 'registers' ? { ...i, deduction: 1 } : i)));
      expect(bad.ok).toBe(false);
      const rules = !bad.ok ? bad.problems.map((p) => `${p.path} ${p.rule}`) : [];
      expect(rules).toEqual(expect.arrayContaining([
        expect.stringMatching(/^items\[0\]\.deduction inspection\.points-range$/),
        expect.stringMatching(/\.itemId rubric\.unknown-item$/),
        expect.stringMatching(/\.reason inspection\.reason-required$/),
        'items inspection.item-missing',
      ]));
      expect(rules.filter((r) => r.endsWith('reason-required'))).toHaveLength(2); // registers' deduction, the failed veto
    });
  });
});

describe('the effect on the list', () => {
  it('a failed veto item or a sampled pass rate under the target keeps a qualified unit off the list; the workbook shows the rate', async () => {
    const s = await drawn();
    // xixing: both sampled communities pass, but a veto item fails. changhe: 1 of 2 passes (50 % < 80 %).
    for (const name of await s.sampleOf('xixing')) await s.record('xixing', { community: name, passed: true });
    await s.score('xixing', 0, s.items({ 'major-incident-veto': { veto: 'failed', reason: '辖区发生传销引发的刑事案件' } }));
    const [c1, c2] = await s.sampleOf('changhe');
    await s.record('changhe', { community: c1, passed: true });
    await s.record('changhe', { community: c2, passed: false, notes: '存在出租房屋未登记' });

    const standings = await inspectionStandings(s.ctx, s.cycleId);
    expect(standings.get('xixing')!.standing).toMatchObject({ sampledPassRate: 1, vetoFailed: ['major-incident-veto'], disqualifiedBy: ['veto-failed'] });
    expect(standings.get('changhe')!.standing).toMatchObject({ sampledPassRate: 0.5, disqualifiedBy: ['sampled-pass-rate'] });
    expect(standings.get('puyan')!.standing).toMatchObject({ recorded: false, sampledPassRate: null, disqualifiedBy: [] });

    s.clock.t = s.forwardAt;
    const forwarded = await forwardToProvince(s.ctx, { cycleId: s.cycleId });
    expect(forwarded.qualified).toEqual([]);
    expect(forwarded.notQualified).toEqual(['xixing', 'changhe', 'puyan']);

    const wbDoc = (await s.repo.listCycleDocuments(s.cycleId)).find((d) => d.kind === 'province-workbook')!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(s.documents.objects.get(wbDoc.key)! as never);
    const summary = wb.getWorksheet('汇总')!;
    const row = (name: string) => summary.getRows(4, s.plan.units.length)!.find((r) => r.getCell(2).value === name)!;
    const xixing = s.plan.units.find((u) => u.id === 'xixing')!.name;
    const changhe = s.plan.units.find((u) => u.id === 'changhe')!.name;
    expect(row(changhe).getCell(6).value).toBe(0.5);
    expect(row(xixing).getCell(6).value).toBe(1);
    expect(row(xixing).getCell(8).value).not.toBe('初评合格');
  });

  it("the 总览 row shows each unit's inspection, and the filter finds the units it keeps off the list", async () => {
    const s = await drawn();
    await s.score('xixing', 0, s.items({ 'major-incident-veto': { veto: 'failed', reason: '辖区发生传销引发的刑事案件' } }));
    const [c1] = await s.sampleOf('changhe');
    await s.record('changhe', { community: c1, passed: true });
    const rows = (await dashboard(s.ctx, { cycleId: s.cycleId, limit: 100 })).units;
    const of = (id: string) => rows.find((r) => r.unitId === id)!.inspection!;
    expect(of('xixing')).toMatchObject({ window: { id: WINDOW, closes: '2026-09-11' }, group: { id: 'group-puyan' }, sampleStatus: 'drawn', resultsRecorded: 0, scoreRecorded: true, closed: false, standing: { disqualifiedBy: ['veto-failed'] } });
    // One of two sampled communities recorded, passing: the other counts as not passing (50 % < 80 %).
    expect(of('changhe')).toMatchObject({ resultsRecorded: 1, scoreRecorded: false, standing: { passing: 1, sampled: 2, disqualifiedBy: ['sampled-pass-rate'] } });
    expect(of('puyan')).toMatchObject({ resultsRecorded: 0, scoreRecorded: false, standing: { recorded: false, disqualifiedBy: [] } });
    const off = await dashboard(s.ctx, { cycleId: s.cycleId, limit: 100, filter: 'inspection-disqualified' });
    expect(off.units.map((u) => u.unitId)).toEqual(['xixing', 'changhe']);
  });

  it('the 初评结果通知 of a qualified unit follows the inspection: pending in the window, off the list once it closed', async () => {
    const s = await drawn();
    await s.score('xixing', 0, s.items({ 'major-incident-veto': { veto: 'failed', reason: '辖区发生传销引发的刑事案件' } }));
    const noticeTo = async (unitId: string) => {
      await sendOutcomeNotice(s.ctx, { cycleId: s.cycleId, unitId });
      const unit = s.plan.units.find((u) => u.id === unitId)!;
      return s.mailer.sent.filter((m) => m.to.includes(unit.office.email) && m.subject.includes('初评结果通知')).map((m) => m.text).at(-1)!;
    };
    // changhe, in the window (8 September): its review passed, the inspection still decides.
    expect(await noticeTo('changhe')).toContain('还将依据交叉检查（2026-09-07至2026-09-11）的结果确定');
    // xixing, after the window (a failed veto item recorded): told it stays off the list, and why.
    s.clock.t = Date.parse('2026-09-14T02:00:00Z');
    const text = await noticeTo('xixing');
    expect(text).toContain(`不列入上报${s.plan.province.shortName}的名单`);
    expect(text).toContain('一票否决项“');
  });

  it('the rule holds only on what was recorded: a unit passing its sample with its veto items passed stays on the list', async () => {
    const s = await drawn();
    for (const name of await s.sampleOf('xixing')) await s.record('xixing', { community: name, passed: true });
    await s.score('xixing', 0, s.items());
    s.clock.t = s.forwardAt;
    const forwarded = await forwardToProvince(s.ctx, { cycleId: s.cycleId });
    expect(forwarded.qualified).toEqual(['xixing', 'changhe']);
  });

  it("the workbook's 排名 is the score view's: by inspection score, units on the list first, then the others (not the review's order)", async () => {
    // Prepare: the review ranks xixing (1 point off) above changhe (2 off), puyan unscored (sent nothing).
    // The inspection: changhe passes its sample; xixing passes 1 of 2 (50 % < 80 %: off the list) with the
    // best sheet; puyan (no outcome: off the list) 2 points off.
    const s = await drawn();
    for (const name of await s.sampleOf('changhe')) await s.record('changhe', { community: name, passed: true });
    const [x1, x2] = await s.sampleOf('xixing');
    await s.record('xixing', { community: x1, passed: true });
    await s.record('xixing', { community: x2, passed: false, notes: '台账缺失' });
    await s.score('xixing', 0, s.items());
    await s.score('changhe', 0, s.items({ leadership: { deduction: 1, reason: '扣分' } }));
    await s.score('puyan', 0, s.items({ leadership: { deduction: 2, reason: '扣分' } }));
    s.clock.t = s.forwardAt;
    // Act
    await generateYearDocuments(s.ctx, { cycleId: s.cycleId });
    const forwarded = await forwardToProvince(s.ctx, { cycleId: s.cycleId });
    // Assess: the score view's ranks, and the workbook read back.
    expect(forwarded.qualified).toEqual(['changhe']);
    const view = async (unitId: string) => (await unitInspectionScore(s.ctx, { cycleId: s.cycleId, unitId, windowId: WINDOW })).rank;
    expect([await view('changhe'), await view('xixing'), await view('puyan')]).toEqual([1, 2, 3]);
    const wbDoc = (await s.repo.listCycleDocuments(s.cycleId)).find((d) => d.kind === 'province-workbook')!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(s.documents.objects.get(wbDoc.key)! as never);
    const summary = wb.getWorksheet('汇总')!;
    const rankOf = (unitId: string) => {
      const name = s.plan.units.find((u) => u.id === unitId)!.name;
      return summary.getRows(4, s.plan.units.length)!.find((r) => r.getCell(2).value === name)!.getCell(9).value;
    };
    expect([rankOf('changhe'), rankOf('xixing'), rankOf('puyan')]).toEqual([1, 2, 3]);
    expect(String(summary.getCell(`A${4 + s.plan.units.length + 2}`).value)).toContain('排名按交叉检查考核评分表得分从高到低，列入上报名单的单位在前');
  });

  it('ranks by inspection score, units on the list first, highest first, equal scores by name; a failed veto item or no sheet is not ranked', async () => {
    const s = await drawn();
    await s.score('xixing', 0, s.items({ leadership: { deduction: 1, reason: '扣分' } }));
    await s.score('changhe', 0, s.items({ leadership: { deduction: 1, reason: '扣分' } }));
    const before = await unitInspectionScore(s.ctx, { cycleId: s.cycleId, unitId: 'puyan', windowId: WINDOW });
    expect(before).toMatchObject({ sheet: null, rank: null });
    // Equal scores, by name in the zh-Hans-CN collation (year-report's rule): ICU files 长 under zhǎng, so 西兴街道 (xī) comes first.
    const ranks = await inspectionStandings(s.ctx, s.cycleId);
    expect([ranks.get('xixing')!.rank, ranks.get('changhe')!.rank]).toEqual([1, 2]);
    await s.score('puyan', 0, s.items());
    await s.score('xixing', 1, s.items({ 'major-incident-veto': { veto: 'failed', reason: '一票否决' } }));
    const after = await inspectionStandings(s.ctx, s.cycleId);
    // changhe (qualified by its review) is on the list; puyan (sent nothing) is not, so it ranks after it despite its full sheet.
    expect([after.get('changhe')!.rank, after.get('puyan')!.rank, after.get('xixing')!.rank]).toEqual([1, 2, null]);
  });
});

describe('a late draw, a late restart, the results notice (review findings)', () => {
  /** Binjiang's year with rosters registered in May and nothing drawn yet. */
  async function undrawn() {
    const f = await yearFixture('binjiang-streets-2026-example.json');
    const cycleId = f.plan.cycleId;
    f.clock.t = Date.parse('2026-05-20T02:00:00Z');
    for (const u of f.plan.units) await registerRoster(f.ctx, { cycleId, unitId: u.id, version: 0, communities: ROSTER, registeredBy: u.id });
    return { ...f, cycleId };
  }

  it('a draw retried after the announced instant draws from the roster registered at that instant, not one registered since', async () => {
    const s = await undrawn();
    // The draw was announced for 09:00 on 7 September; at 09:30 the street registers a smaller roster; the retry runs at 10:00.
    s.clock.t = Date.parse('2026-09-07T01:30:00Z');
    await registerRoster(s.ctx, { cycleId: s.cycleId, unitId: 'puyan', version: 1, communities: ROSTER.slice(0, 3), registeredBy: 'puyan' });
    s.clock.t = Date.parse('2026-09-07T02:00:00Z');
    await drawInspectionSample(s.ctx, { cycleId: s.cycleId, unitId: 'puyan', windowId: WINDOW });
    const sample = (await s.repo.getSample(s.cycleId, 'puyan', WINDOW))!;
    expect(sample).toMatchObject({ status: 'drawn', population: ROSTER.length, inputs: { rosterVersion: 1 } });
  });

  it('draws nothing and sends nothing after the window has ended (a restart that late)', async () => {
    const s = await undrawn();
    s.clock.t = Date.parse('2026-09-20T02:00:00Z');
    const before = s.mailer.sent.length;
    const r = await drawInspectionSample(s.ctx, { cycleId: s.cycleId, unitId: 'xixing', windowId: WINDOW });
    expect(r.status).toBe('window-closed');
    expect(await s.repo.getSample(s.cycleId, 'xixing', WINDOW)).toBeNull();
    expect(s.mailer.sent.length).toBe(before);
  });

  it('the results notice: nothing for another unit\'s window; when nothing was recorded, it says so instead of a verdict', async () => {
    const s = await drawn();
    expect(await sendInspectionResultNotice(s.ctx, { cycleId: s.cycleId, unitId: 'puyan', windowId: 'another-window' })).toEqual({ status: 'not-needed' });
    s.clock.t = Date.parse('2026-09-14T00:30:00Z');
    expect(await sendInspectionResultNotice(s.ctx, { cycleId: s.cycleId, unitId: 'puyan', windowId: WINDOW })).toEqual({ status: 'sent' });
    const mail = s.mailer.sent.at(-1)!;
    expect(mail.text).toContain('检查组未记录任何检查结果和考核评分，本次交叉检查不影响是否上报');
    expect(mail.text).not.toContain('按不合格计');
    expect(mail.text).not.toContain('未发现不列入上报名单的情形');
    // Once: the ledger.
    expect(await sendInspectionResultNotice(s.ctx, { cycleId: s.cycleId, unitId: 'puyan', windowId: WINDOW })).toEqual({ status: 'already-sent' });
  });

  it("an inspector's evidence is its own uploads: the unit's own checked upload is not found", async () => {
    const s = await drawn();
    const [first] = await s.sampleOf('xixing');
    const county = { id: 'xixing', role: 'county' as const, unitId: 'xixing' };
    const bytes = tinyPdf();
    const form = await createUpload(s.ctx, { cycleId: s.cycleId, unitId: 'xixing', fileName: '台账.pdf', contentType: 'application/pdf', size: bytes.length, actor: county });
    s.documents.putObject(form.key, bytes);
    await checkUpload(s.ctx, { cycleId: s.cycleId, unitId: 'xixing', uploadId: form.uploadId, actor: county });
    const err = await s.record('xixing', { community: first, evidence: [form.uploadId], recordedBy: 'puyan-inspector', recorderRole: 'inspector' }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.problems).toEqual([expect.objectContaining({ path: 'evidence[0]', rule: 'unknown-upload' })]);
    // The city office, recording on the group's behalf, may cite it.
    expect((await s.record('xixing', { community: first, evidence: [form.uploadId] })).recorded).toBe(true);
  });
});
