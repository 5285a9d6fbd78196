import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { loadPlanFile, parsePlanText } from '../../core/plan/load';
import type { PlanInput } from '../../core/plan/schema';
import { validatePlan } from '../../core/plan/validate';
import { formatProblems, problemsFromIssues, type Problem } from '../../core/validation';

const NANPING = 'plans/nanping-2016.json';
const SHIPPED = [NANPING, 'plans/binjiang-streets-2026-example.json'];

function nanping(): PlanInput {
  return JSON.parse(readFileSync(NANPING, 'utf8'));
}

function problemsOf(raw: unknown): Problem[] {
  const r = validatePlan(raw);
  if (r.ok) throw new Error('expected the plan to be invalid');
  return r.problems;
}

function pairs(problems: Problem[]) {
  return problems.map((p) => ({ path: p.path, rule: p.rule }));
}

describe('shipped plans', () => {
  it.each(SHIPPED)('%s validates with no problems', async (file) => {
    const r = await loadPlanFile(file);
    expect(r.ok ? [] : r.problems).toEqual([]);
  });

  it('the Nanping plan warns, once, that the progress report due on Sunday 31 July 2016 moves to Monday 1 August', async () => {
    const r = await loadPlanFile(NANPING);
    expect(r.warnings.map((w) => [w.path, w.rule])).toEqual([['phases[1].deliverables[0].due', 'deadline.moved']]);
    expect(r.warnings[0].message.zh).toContain('顺延至 2016-08-01');
  });

  it('the Nanping plan has its 10 counties, 4 phases and a 100-point rubric', async () => {
    const r = await loadPlanFile(NANPING);
    if (!r.ok) throw new Error('invalid');
    expect(r.plan.units.map((u) => u.id)).toEqual(['yanping', 'jianyang', 'shaowu', 'jianou', 'shunchang', 'pucheng', 'wuyishan', 'guangze', 'songxi', 'zhenghe']);
    expect(r.plan.units.filter((u) => u.certifiedBefore).map((u) => u.name)).toEqual(['延平区', '建阳区', '邵武市', '建瓯市', '顺昌县', '浦城县']);
    expect(r.plan.rubric.items.filter((i) => i.kind === 'veto')).toHaveLength(1);
    expect(r.plan.rubric.items.filter((i) => i.kind === 'bonus')).toHaveLength(1);
  });
});

describe('a malformed plan', () => {
  it('reports each problem with its path, rule and zh/en messages', async () => {
    const r = await loadPlanFile('test/fixtures/plans/malformed.json');
    if (r.ok) throw new Error('expected invalid');
    expect(pairs(r.problems)).toEqual(
      expect.arrayContaining([
        { path: 'city.fax', rule: 'unknown-field' },
        { path: 'province.email', rule: 'required' },
        { path: 'sender.name', rule: 'format.single-line' },
        { path: 'forwardToProvince.on', rule: 'format.calendar-date' },
        { path: 'phases[0].kind', rule: 'phase.order' },
        { path: 'phases[1].kind', rule: 'phase.order' },
        { path: 'phases[1].opens', rule: 'phase.overlap' },
        { path: 'phases[0].deliverables[0].due.date', rule: 'deadline.before-phase' },
        { path: 'units[3].id', rule: 'duplicate' },
        { path: 'rubric.total', rule: 'rubric.total' },
      ]),
    );
    expect(r.problems).toHaveLength(10);
    for (const p of r.problems) {
      expect(p.message.zh.startsWith(`${p.path}: `)).toBe(true);
      expect(p.message.en.startsWith(`${p.path}: `)).toBe(true);
      expect(p.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(p.message.en).not.toMatch(/[\u4e00-\u9fff]{3}/);
    }
    const fax = r.problems.find((p) => p.rule === 'unknown-field')!;
    expect(fax.message).toEqual({ zh: 'city.fax: 未知字段“fax”', en: 'city.fax: unknown field "fax"' });
  });

  it('a JSON syntax error is a problem with line and column', () => {
    const r = parsePlanText('{\n  "a": 1\n  "b": 2\n}');
    if (r.ok) throw new Error('expected invalid');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].rule).toBe('json.syntax');
    expect(r.problems[0].message.en).toContain('line 3, column 3');
  });

  it('a missing file is a problem, not an exception', async () => {
    const r = await loadPlanFile('test/fixtures/plans/does-not-exist.json');
    expect(r.ok ? [] : pairs(r.problems)).toEqual([{ path: '', rule: 'file.read' }]);
  });
});

describe('structural rules', () => {
  it('a date that does not exist', () => {
    const p = nanping();
    p.phases[1].opens = '2016-02-30';
    expect(pairs(problemsOf(p))).toContainEqual({ path: 'phases[1].opens', rule: 'format.calendar-date' });
    p.phases[1].opens = '2016-6-1';
    const problems = problemsOf(p);
    expect(pairs(problems)).toEqual([{ path: 'phases[1].opens', rule: 'format.date' }]);
    expect(problems[0].message).toEqual({
      zh: 'phases[1].opens: 日期格式应为 YYYY-MM-DD',
      en: 'phases[1].opens: must be a date in the form YYYY-MM-DD',
    });
  });

  it('CR/LF in a unit name', () => {
    const p = nanping();
    p.units[2].name = '邵武市\n';
    expect(pairs(problemsOf(p))).toEqual([{ path: 'units[2].name', rule: 'format.single-line' }]);
  });

  it('wrong type, enum, too long, unknown nested field', () => {
    const p = nanping() as any;
    p.year = '2016';
    p.phases[3].kind = 'final-review';
    p.units[0].name = '县'.repeat(61);
    p.phases[0].deliverables[0].due.time = '17:00';
    const problems = problemsOf(p);
    expect(pairs(problems)).toEqual(
      expect.arrayContaining([
        { path: 'year', rule: 'type' },
        { path: 'phases[3].kind', rule: 'enum' },
        { path: 'units[0].name', rule: 'too-long' },
        { path: 'phases[0].deliverables[0].due.time', rule: 'unknown-field' },
      ]),
    );
    expect(problems.find((x) => x.rule === 'enum')!.message.en).toContain('"mobilisation", "rollout"');
  });
});

describe('cross-field rules', () => {
  it('a "before" deadline on the day its phase opens falls before the phase', () => {
    const p = nanping();
    p.phases[1].deliverables![0].due = { date: '2016-06-01', inclusive: false };
    expect(pairs(problemsOf(p))).toEqual([{ path: 'phases[1].deliverables[0].due.date', rule: 'deadline.before-phase' }]);
  });

  it('a deadline after its phase closes', () => {
    const p = nanping();
    p.phases[0].deliverables![0].due = { date: '2016-06-01', inclusive: true };
    expect(pairs(problemsOf(p))).toEqual([{ path: 'phases[0].deliverables[0].due.date', rule: 'deadline.after-phase' }]);
  });

  it('a phase that closes before it opens', () => {
    const p = nanping();
    p.phases[2].closes = '2016-10-31';
    expect(pairs(problemsOf(p))).toContainEqual({ path: 'phases[2].closes', rule: 'phase.closes-before-opens' });
  });

  it('phases may share a hand-over day but not overlap further', () => {
    const p = nanping();
    p.phases[1].opens = '2016-05-31';
    expect(validatePlan(p).ok).toBe(true);
    p.phases[1].opens = '2016-05-30';
    expect(pairs(problemsOf(p))).toEqual([{ path: 'phases[1].opens', rule: 'phase.overlap' }]);
  });

  it('a kind twice and one missing', () => {
    const p = nanping();
    p.phases[1].kind = 'mobilisation';
    expect(pairs(problemsOf(p))).toEqual(
      expect.arrayContaining([
        { path: 'phases[1].kind', rule: 'phase.duplicate' },
        { path: 'phases', rule: 'phase.missing' },
      ]),
    );
  });

  it('exactly one reviewed deliverable, in self-assessment', () => {
    const none = nanping();
    none.phases[2].deliverables![0].reviewed = false;
    expect(pairs(problemsOf(none))).toEqual([{ path: 'phases', rule: 'reviewed.none' }]);

    const two = nanping();
    two.phases[1].deliverables![1].reviewed = true;
    expect(pairs(problemsOf(two))).toEqual([
      { path: 'phases[1].deliverables[1].reviewed', rule: 'reviewed.phase' },
      { path: 'phases[2].deliverables[0].reviewed', rule: 'reviewed.multiple' },
    ]);
  });

  it('the preliminary-review phase has no deliverables', () => {
    const p = nanping();
    p.phases[3].deliverables = [{ id: 'rectification', name: '整改材料', nameEn: 'Rectification', due: { date: '2016-11-20', inclusive: true } }];
    expect(pairs(problemsOf(p))).toEqual([{ path: 'phases[3].deliverables', rule: 'phase.no-deliverables' }]);
  });

  it('forwarding before the review closes', () => {
    const p = nanping();
    p.forwardToProvince.on = '2016-11-29';
    expect(pairs(problemsOf(p))).toEqual([{ path: 'forwardToProvince.on', rule: 'forward.not-after-review' }]);
  });

  it("refuses forwarding on the review's last day: it goes at 09:00 while the review is open until 23:59:59", () => {
    // Prepare
    const p = nanping();
    p.forwardToProvince.on = '2016-11-30';
    // Act
    const problems = problemsOf(p);
    // Assess
    expect(pairs(problems)).toEqual([{ path: 'forwardToProvince.on', rule: 'forward.not-after-review' }]);
    expect(problems[0].message.zh).toMatch(/^forwardToProvince\.on: 上报日期 2016-11-30 应晚于初评阶段的最后一日 2016-11-30/);
    expect(problems[0].message.en).toContain("must come after the preliminary review's last day, 2016-11-30");
  });

  it('warns when the forwarding day is not a working day, and says where it moves', () => {
    // Prepare: Saturday 3 December 2016.
    const p = nanping();
    p.forwardToProvince.on = '2016-12-03';
    // Act
    const r = validatePlan(p);
    // Assess
    expect(r.ok).toBe(true);
    const forward = r.warnings.filter((w) => w.path === 'forwardToProvince.on');
    expect(forward.map((w) => w.rule)).toEqual(['forward.non-working-day']);
    expect(forward[0].message.zh).toContain('顺延至 2016-12-05');
    expect(forward[0].message.en).toContain('on 2016-12-05 instead');
  });

  it("notes a deadline that the day-off rule moves past its phase's end", () => {
    // Prepare: the implementation plan due on Sunday 29 May 2016, its phase closing that day.
    const p = nanping();
    p.phases[0].closes = '2016-05-29';
    p.phases[0].deliverables![0].due = { date: '2016-05-29', inclusive: true };
    // Act
    const r = validatePlan(p);
    // Assess
    expect(r.ok).toBe(true);
    const notes = r.warnings.filter((w) => w.path === 'phases[0].deliverables[0].due');
    expect(notes.map((w) => w.rule)).toEqual(['deadline.moved-past-phase', 'deadline.moved']);
    expect(notes[0].message.zh).toContain('顺延至 2016-05-30，晚于所属阶段（动员部署）的结束日期 2016-05-29');
  });

  it('duplicate unit names, deliverable ids, rubric ids and reminder days', () => {
    const p = nanping();
    p.units[9].name = '延平区';
    p.phases[1].deliverables![1].id = 'progress-report-1';
    p.rubric.items[1].id = p.rubric.items[0].id;
    p.notices.reminderDaysBefore = [7, 3, 3, 0];
    const problems = problemsOf(p);
    expect(pairs(problems)).toEqual(
      expect.arrayContaining([
        { path: 'units[9].name', rule: 'duplicate' },
        { path: 'phases[1].deliverables[1].id', rule: 'duplicate' },
        { path: 'rubric.items[1].id', rule: 'duplicate' },
        { path: 'notices.reminderDaysBefore[2]', rule: 'duplicate' },
      ]),
    );
    expect(problems.find((x) => x.path === 'units[9].name')!.message.zh).toBe('units[9].name: 与 units[0].name 重复（延平区），不得重复');
  });

  it('rubric standard items must add up to the total; bonus, deduction and veto items do not count', () => {
    const p = nanping();
    p.rubric.items.find((i) => i.kind === 'bonus')!.maxPoints = 10;
    expect(validatePlan(p).ok).toBe(true);
    p.rubric.total = 90;
    const problems = problemsOf(p);
    expect(pairs(problems)).toEqual([{ path: 'rubric.total', rule: 'rubric.total' }]);
    expect(problems[0].message.en).toContain('add up to 100');
  });

  it('dates outside year..year+1 are a warning, not an error', () => {
    const p = nanping();
    p.year = 2014;
    const r = validatePlan(p);
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.rule).filter((x) => x === 'year.range')).toEqual(Array(9).fill('year.range'));
    expect(r.warnings[0].path).toBe('phases[0].opens');
  });
});

describe('targets (创建覆盖率 and 合格率 a unit must reach, and by when)', () => {
  it('the shipped plans state them explicitly; a plan without them, or without their day, is refused', () => {
    for (const file of SHIPPED) expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')).targets ?? {}), file).toEqual(['coveragePercent', 'passRatePercent', 'metBy']);
    const { targets, ...without } = nanping() as PlanInput & { targets?: unknown };
    expect(targets).toBeDefined();
    expect(pairs(problemsOf(without))).toEqual([{ path: 'targets', rule: 'required' }]);
    const problems = problemsOf({ ...nanping(), targets: { coveragePercent: 90, passRatePercent: 80 } });
    expect(problems.map((p) => [p.path, p.rule, p.message])).toEqual([
      ['targets.metBy', 'required', { zh: 'targets.metBy: 必填', en: 'targets.metBy: is required' }],
    ]);
  });

  it('are whole percentages from 1 to 100, each problem named in zh and en', () => {
    const problems = problemsOf({ ...nanping(), targets: { coveragePercent: 120, passRatePercent: 0, metBy: '2016-11-09', coverage: 0.9 } });
    expect(pairs(problems)).toEqual([
      { path: 'targets.coveragePercent', rule: 'too-large' },
      { path: 'targets.passRatePercent', rule: 'too-small' },
      { path: 'targets.coverage', rule: 'unknown-field' },
    ]);
    expect(problems[0].message).toEqual({ zh: 'targets.coveragePercent: 不得大于 100', en: 'targets.coveragePercent: must be at most 100' });
    expect(pairs(problemsOf({ ...nanping(), targets: { coveragePercent: 92.5, passRatePercent: 80, metBy: '2016-11-09' } }))).toEqual([
      { path: 'targets.coveragePercent', rule: 'type' },
    ]);
  });

  it('are met by a day inside the cycle: not before the first phase opens, not after the review closes', () => {
    const late = problemsOf({ ...nanping(), targets: { coveragePercent: 90, passRatePercent: 80, metBy: '2016-12-01' } });
    expect(pairs(late)).toEqual([{ path: 'targets.metBy', rule: 'targets.met-by-outside-cycle' }]);
    expect(late[0].message.zh).toContain('2016-04-01');
    expect(late[0].message.en).toContain("the preliminary review's last day, 2016-11-30");
    expect(pairs(problemsOf({ ...nanping(), targets: { coveragePercent: 90, passRatePercent: 80, metBy: '2016-03-31' } }))).toEqual([
      { path: 'targets.metBy', rule: 'targets.met-by-outside-cycle' },
    ]);
  });
});

describe('the levels of government, the issuing document and the contact are plan data', () => {
  it('the shipped plans name them: a city over its counties up to 省局, a district over its street offices up to 杭州市打传办', async () => {
    const [np, bj] = await Promise.all(SHIPPED.map(loadPlanFile));
    if (!np.ok || !bj.ok) throw new Error('invalid');
    expect([np.plan.city.level, np.plan.city.officeWord, np.plan.unitLevel.word, np.plan.province.shortName]).toEqual(['city', '市打传办', '县(市、区)', '省局']);
    expect([bj.plan.city.level, bj.plan.city.officeWord, bj.plan.unitLevel.word, bj.plan.province.shortName]).toEqual(['district', '区打传办', '街道', '杭州市打传办']);
    expect(bj.plan.units.map((u) => u.name)).toEqual(['西兴街道', '长河街道', '浦沿街道']);
  });

  it('a plan without them is refused, each missing field named in zh and en', () => {
    const p = nanping() as unknown as Record<string, any>;
    delete p.city.level;
    delete p.city.officeWord;
    delete p.city.contact.telephone;
    delete p.unitLevel;
    delete p.province.shortName;
    delete p.issuingDocument.number;
    const problems = problemsOf(p);
    expect(pairs(problems)).toEqual([
      { path: 'city.level', rule: 'required' },
      { path: 'city.officeWord', rule: 'required' },
      { path: 'city.contact.telephone', rule: 'required' },
      { path: 'unitLevel', rule: 'required' },
      { path: 'province.shortName', rule: 'required' },
      { path: 'issuingDocument.number', rule: 'required' },
    ]);
    expect(problems[3].message).toEqual({ zh: 'unitLevel: 必填', en: 'unitLevel: is required' });
  });

  it('a telephone number is checked, and said so in zh and en', () => {
    const p = nanping();
    p.city.contact.telephone = '请致电市打传办';
    const problems = problemsOf(p);
    expect(pairs(problems)).toEqual([{ path: 'city.contact.telephone', rule: 'format.telephone' }]);
    expect(problems[0].message.zh).toContain('电话号码格式不正确');
    expect(problems[0].message.en).toContain('must be a telephone number');
    for (const ok of ['0599-8823456', '(0571) 8770 2110', '13800000000', '0599-8823456转8001', '+86 571 8770 2110']) {
      p.city.contact.telephone = ok;
      expect(validatePlan(p).ok, ok).toBe(true);
    }
  });

  it('the units sit one level below the running office, the superior above it', () => {
    const p = nanping();
    p.unitLevel.level = 'street';
    p.province.level = 'city';
    const problems = problemsOf(p);
    expect(pairs(problems)).toEqual([
      { path: 'unitLevel.level', rule: 'level.units-not-below' },
      { path: 'province.level', rule: 'level.superior-not-above' },
    ]);
    expect(problems[0].message.zh).toContain('应比本级 city.level city');
    expect(problems[1].message.en).toContain('must be above the running office');
    // A district and a county are the same tier (县级): a city may run over districts.
    p.unitLevel.level = 'district';
    p.province.level = 'national';
    expect(validatePlan(p).ok).toBe(true);
  });

  it('a plan issued after its first phase opened is a warning, not an error', () => {
    const p = nanping();
    p.issuingDocument.issuedOn = '2016-04-05';
    const r = validatePlan(p);
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => [w.path, w.rule])).toContainEqual(['issuingDocument.issuedOn', 'document.issued-after-start']);
  });
});

describe('problemsFromIssues is generic', () => {
  const body = z.strictObject({ decision: z.enum(['approve', 'return']), reason: z.optional(z.string().check(z.maxLength(5))), days: z.int().check(z.gte(1)) });

  it('maps any schema’s issues to problems', () => {
    const input = { decision: 'maybe', reason: 'too long a reason', days: 0, extra: 1 };
    const r = body.safeParse(input);
    const problems = problemsFromIssues(r.error!.issues, input);
    expect(pairs(problems)).toEqual([
      { path: 'decision', rule: 'enum' },
      { path: 'reason', rule: 'too-long' },
      { path: 'days', rule: 'too-small' },
      { path: 'extra', rule: 'unknown-field' },
    ]);
    expect(formatProblems(problems, 'en').split('\n')[0]).toBe('decision  enum  decision: must be one of "approve", "return"');
    expect(formatProblems(problems, 'both').split('\n')).toHaveLength(8);
  });

  it('a missing field is "required", a wrong one is "type"', () => {
    const missing = body.safeParse({ decision: 'approve' });
    expect(pairs(problemsFromIssues(missing.error!.issues, { decision: 'approve' }))).toEqual([{ path: 'days', rule: 'required' }]);
    const wrong = body.safeParse({ decision: 'approve', days: 'x' });
    expect(pairs(problemsFromIssues(wrong.error!.issues, { decision: 'approve', days: 'x' }))).toEqual([{ path: 'days', rule: 'type' }]);
  });
});

describe('unit ids the execution names reserve', () => {
  it('refuses an id with "--" or ending in -x and digits, naming the unit and the rule in both languages', () => {
    const plan = nanping();
    plan.units[1].id = 'jian--yang';
    plan.units[2].id = 'yanping-x1';
    const problems = problemsOf(plan);
    expect(pairs(problems)).toEqual([
      { path: 'units[1].id', rule: 'unit.id-reserved' },
      { path: 'units[2].id', rule: 'unit.id-reserved' },
    ]);
    expect(problems[1].message.zh).toContain('yanping-x1');
    expect(problems[1].message.en).toContain('reserved');
  });
});
