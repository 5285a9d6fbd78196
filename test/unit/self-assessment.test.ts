/**
 * The self-assessment (自评报告) as the server assesses it on the Nanping plan: the figures it computes
 * (coverage, pass rate, self-score), the findings it keeps (shortfalls against the 90 % / 80 % targets,
 * unscored items) and the errors that refuse a submission.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RosterEntry, SelfScore } from '../../core/model';
import { planSchema } from '../../core/plan/schema';
import { assessSelfAssessment, type SelfAssessmentInput } from '../../core/self-assessment';
import { exampleSelfAssessment } from '../../local/scenario';

const NANPING = planSchema.parse(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
const STANDARD = NANPING.rubric.items.filter((i) => i.kind === 'standard');

/** `created` of `communities` created, `qualified` of those qualified (the rest of the created ones not). */
function roster(communities: number, created: number, qualified: number): RosterEntry[] {
  return Array.from({ length: communities }, (_, i) => ({ name: `第${i + 1}社区`, created: i < created, qualified: i < qualified }));
}

/** Every standard item at its maximum (100 points on the Nanping sheet), plus `extra` scores. */
function fullScores(...extra: SelfScore[]): SelfScore[] {
  return [...STANDARD.map((i) => ({ itemId: i.id, score: i.maxPoints, evidence: [] })), ...extra];
}

const input = (over: Partial<SelfAssessmentInput> = {}): SelfAssessmentInput => ({
  narrative: '本县按计划完成各阶段工作。',
  scores: fullScores(),
  roster: roster(10, 10, 10),
  ...over,
});

const rules = (ps: Array<{ path: string; rule: string }>) => ps.map((p) => `${p.path} ${p.rule}`);

describe("assessSelfAssessment: the plan's targets", () => {
  it("measures coverage and pass rate against the plan's own targets and says which numbers in both languages", () => {
    // Prepare: an office that asks for 95 % coverage and 85 % pass rate; 93 of 100 created, 78 of them qualified (83.8 %).
    const strict = { ...NANPING, targets: { coveragePercent: 95, passRatePercent: 85, metBy: '2016-11-09' } };
    const sa = input({ roster: roster(100, 93, 78) });

    // Act
    const { figures, findings } = assessSelfAssessment(strict, sa);
    const lenient = assessSelfAssessment({ ...NANPING, targets: { coveragePercent: 90, passRatePercent: 80, metBy: '2016-11-09' } }, sa);

    // Assess
    expect(rules(findings)).toEqual(['selfAssessment.roster coverage-below-target', 'selfAssessment.roster pass-rate-below-target']);
    expect(findings[0].message.zh).toContain('低于 95% 的要求');
    expect(findings[0].message.en).toContain('below the 95% target');
    expect(findings[0].message.zh).toContain('须于2016年11月9日（含）前达到');
    expect(findings[0].message.en).toContain('to be met by 9 November 2016');
    expect(findings[1].message.zh).toContain('低于 85% 的要求');
    expect(findings[1].message.en).toContain('below the 85% target');
    expect(figures.targets).toEqual({ coverage: 0.95, passRate: 0.85 });
    expect(lenient.findings).toEqual([]);
    expect(lenient.figures.targets).toEqual({ coverage: 0.9, passRate: 0.8 });
  });
});

describe('assessSelfAssessment: figures', () => {
  it('computes coverage as created/communities and pass rate as qualified/created', () => {
    // Prepare: 10 communities, 9 created, 6 of the created qualified.
    const sa = input({ roster: roster(10, 9, 6) });

    // Act
    const { figures, errors } = assessSelfAssessment(NANPING, sa);

    // Assess
    expect(errors).toEqual([]);
    expect(figures).toMatchObject({ communities: 10, created: 9, qualified: 6, total: 100 });
    expect(figures.coverage).toBeCloseTo(0.9, 12);
    expect(figures.passRate).toBeCloseTo(6 / 9, 12);
  });

  it('sums standard and bonus items and subtracts deductions; the veto item adds nothing; half points do not drift', () => {
    const sa = input({
      scores: [
        { itemId: 'leadership', score: 3.5, evidence: [] },
        { itemId: 'registers', score: 7.5, evidence: [] },
        { itemId: 'recognised-practice', score: 2, evidence: [] }, // bonus
        { itemId: 'late-reporting', score: 1.5, evidence: [] }, // deduction
        { itemId: 'major-incident-veto', score: 0, evidence: [] }, // veto
      ],
    });

    const { figures, errors } = assessSelfAssessment(NANPING, sa);

    expect(errors).toEqual([]);
    expect(figures.selfScore).toBe(3.5 + 7.5 + 2 - 1.5);
    expect(figures.total).toBe(100);
  });

  it('gives the diligent example county its full 100 points, no findings and no errors', () => {
    const { figures, findings, errors } = assessSelfAssessment(NANPING, exampleSelfAssessment(NANPING));
    expect(figures.selfScore).toBe(100);
    expect(figures.coverage).toBe(1);
    expect(figures.passRate).toBe(1);
    expect(findings).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('has no coverage and no pass rate for an empty roster, and says the roster is empty', () => {
    const { figures, findings } = assessSelfAssessment(NANPING, input({ roster: [] }));
    expect(figures).toMatchObject({ communities: 0, created: 0, qualified: 0, coverage: null, passRate: null });
    expect(rules(findings)).toEqual(['selfAssessment.roster roster-empty']);
  });

  it('has a coverage of 0 and no pass rate when nothing is created (no pass-rate finding, nothing to divide by)', () => {
    const { figures, findings } = assessSelfAssessment(NANPING, input({ roster: roster(4, 0, 0) }));
    expect(figures.coverage).toBe(0);
    expect(figures.passRate).toBeNull();
    expect(rules(findings)).toEqual(['selfAssessment.roster coverage-below-target']);
  });
});

describe('assessSelfAssessment: findings (kept with the version, do not refuse it)', () => {
  it('reports coverage below 90 % truncated, not rounded: 8 of 9 is 88.8 %, never 88.9 % or 90 %', () => {
    const { findings, errors } = assessSelfAssessment(NANPING, input({ roster: roster(9, 8, 8) }));

    expect(errors).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ path: 'selfAssessment.roster', rule: 'coverage-below-target' });
    expect(findings[0].message.zh).toContain('创建覆盖率 88.8%（8/9）');
    expect(findings[0].message.en).toContain('coverage 88.8% (8/9)');
    expect(findings[0].message.en).not.toMatch(/88\.9%|90\.0%/);
  });

  it('reports a pass rate below 80 % with its figures (23 of 29 is 79.3 %)', () => {
    const { findings } = assessSelfAssessment(NANPING, input({ roster: roster(29, 29, 23) }));

    expect(rules(findings)).toEqual(['selfAssessment.roster pass-rate-below-target']);
    expect(findings[0].message.zh).toContain('合格率 79.3%（23/29）');
    expect(findings[0].message.en).toContain('pass rate 79.3% (23/29) is below the 80% target');
  });

  it('reports nothing at exactly 90 % coverage and exactly 80 % pass rate', () => {
    // 45 of 50 created (90 %), 36 of the 45 qualified (80 %).
    const { figures, findings } = assessSelfAssessment(NANPING, input({ roster: roster(50, 45, 36) }));
    expect(figures.coverage).toBe(0.9);
    expect(figures.passRate).toBe(0.8);
    expect(findings).toEqual([]);
  });

  it('reports both shortfalls together, just below each target', () => {
    // 44 of 50 created (88 %), 35 of 44 qualified (79.5 %).
    const { findings } = assessSelfAssessment(NANPING, input({ roster: roster(50, 44, 35) }));
    expect(rules(findings)).toEqual(['selfAssessment.roster coverage-below-target', 'selfAssessment.roster pass-rate-below-target']);
    expect(findings[0].message.en).toContain('88.0% (44/50)');
    expect(findings[1].message.en).toContain('79.5% (35/44)');
  });

  it('names each standard item left unscored; bonus, deduction and veto items may be left out', () => {
    const scores = fullScores().filter((s) => s.itemId !== 'volunteers' && s.itemId !== 'registers');

    const { findings, figures } = assessSelfAssessment(NANPING, input({ scores }));

    expect(rules(findings)).toEqual(['selfAssessment.scores item-not-scored', 'selfAssessment.scores item-not-scored']);
    const volunteers = NANPING.rubric.items.find((i) => i.id === 'volunteers')!;
    expect(findings[0].message.zh).toContain(`“${volunteers.title}”（满分 6 分）尚未自评`);
    expect(findings[1].message.en).toContain('(max 8) is not scored');
    expect(figures.selfScore).toBe(100 - 6 - 8);
  });
});

describe('assessSelfAssessment: errors (refuse the submission)', () => {
  it('refuses an item the rubric does not have, and does not count it', () => {
    const { errors, figures } = assessSelfAssessment(NANPING, input({ scores: fullScores({ itemId: 'made-up-item', score: 5, evidence: [] }) }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ path: `selfAssessment.scores[${STANDARD.length}].itemId`, rule: 'unknown-rubric-item' });
    expect(errors[0].message.en).toContain('"made-up-item"');
    expect(figures.selfScore).toBe(100);
  });

  it('refuses an item scored twice, and counts it once', () => {
    const { errors, figures } = assessSelfAssessment(NANPING, input({ scores: fullScores({ itemId: 'leadership', score: 4, evidence: [] }) }));
    expect(rules(errors)).toEqual([`selfAssessment.scores[${STANDARD.length}].itemId duplicate`]);
    expect(figures.selfScore).toBe(100);
  });

  it('refuses a score above the item maximum, naming the item, the score and the maximum', () => {
    const scores = fullScores().map((s) => (s.itemId === 'law-publicity' ? { ...s, score: 5.5 } : s));
    const index = scores.findIndex((s) => s.itemId === 'law-publicity');

    const { errors } = assessSelfAssessment(NANPING, input({ scores }));

    expect(rules(errors)).toEqual([`selfAssessment.scores[${index}].score exceeds-max`]);
    expect(errors[0].message.zh).toContain('自评 5.5 分，超过该项满分 5 分');
  });

  it('refuses a community named twice (blanks around the name do not make it another one)', () => {
    const list = [...roster(3, 3, 3), { name: ' 第2社区 ', created: true, qualified: true }];
    const { errors } = assessSelfAssessment(NANPING, input({ roster: list }));
    expect(rules(errors)).toEqual(['selfAssessment.roster[3].name duplicate']);
    expect(errors[0].message.zh).toContain('“第2社区”在名单中出现两次');
  });

  it('refuses a community qualified but not created, and does not count it as qualified', () => {
    const list: RosterEntry[] = [...roster(4, 4, 4), { name: '未创建村', created: false, qualified: true }];
    const { errors, figures } = assessSelfAssessment(NANPING, input({ roster: list }));
    expect(rules(errors)).toEqual(['selfAssessment.roster[4].qualified qualified-not-created']);
    expect(figures).toMatchObject({ communities: 5, created: 4, qualified: 4 });
  });

  it('lists every error of the input at once', () => {
    const { errors } = assessSelfAssessment(NANPING, {
      narrative: 'x',
      scores: [
        { itemId: 'nope', score: 1, evidence: [] },
        { itemId: 'leadership', score: 9, evidence: [] },
      ],
      roster: [
        { name: 'A村', created: false, qualified: true },
        { name: 'A村', created: true, qualified: true },
      ],
    });
    expect(rules(errors)).toEqual([
      'selfAssessment.scores[0].itemId unknown-rubric-item',
      'selfAssessment.scores[1].score exceeds-max',
      'selfAssessment.roster[0].qualified qualified-not-created',
      'selfAssessment.roster[1].name duplicate',
    ]);
  });
});

// Issue 8, finding 13: the preview showed a self-score of 999 of 100 beside its errors.
describe('assessSelfAssessment: no impossible figure beside the errors', () => {
  it('counts a score above the maximum as the maximum, so the self-score stays within the total', () => {
    const scores = fullScores().map((s) => (s.itemId === STANDARD[0].id ? { ...s, score: 999 } : s));
    const { errors, figures } = assessSelfAssessment(NANPING, input({ scores }));
    expect(rules(errors)).toEqual([`selfAssessment.scores[0].score exceeds-max`]);
    expect(figures.selfScore).toBe(100);
    expect(figures.selfScore).toBeLessThanOrEqual(figures.total);
  });

  it('takes off no more than a deduction item allows', () => {
    const deduction = NANPING.rubric.items.find((i) => i.kind === 'deduction')!;
    const { figures } = assessSelfAssessment(NANPING, input({ scores: fullScores({ itemId: deduction.id, score: 999, evidence: [] }) }));
    expect(figures.selfScore).toBe(100 - deduction.maxPoints);
  });

  it('counts a community named twice once', () => {
    const list = [...roster(3, 3, 3), { name: '第2社区', created: true, qualified: true }];
    const { figures } = assessSelfAssessment(NANPING, input({ roster: list }));
    expect(figures).toMatchObject({ communities: 3, created: 3, qualified: 3, coverage: 1, passRate: 1 });
  });
});
