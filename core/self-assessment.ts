/**
 * The self-assessment (自评报告) as the county fills it in: a narrative, a self-score per rubric item of the
 * plan with the evidence for it, and the roster of its communities and villages. The server computes the
 * figures (创建覆盖率, 合格率, the self-score) from the roster and the scores; nobody sends them.
 *
 * Two kinds of result:
 * - errors: the input cannot stand (an item the rubric does not have, a score above the item's maximum, a
 *   community both not created and qualified, a name twice). A submission with errors is refused (400).
 *   The figures count only what stands (an unknown item or a second score of an item is not counted, a score
 *   above its maximum counts as the maximum, a community named twice once), so a preview never shows an
 *   impossible figure (999 of 100) beside the errors that refuse it.
 * - findings: where the county falls short of the plan's targets (`plan.targets`: coverage at least 90 %,
 *   pass rate at least 80 % in Nanping's plan, by the plan's `metBy` day) or left an item unscored. The county sees them before it
 *   confirms; they are kept with the version, with the targets it was measured against.
 */
import type { Plan } from './plan/schema';
import type { RosterEntry, SelfAssessmentFigures, SelfScore } from './model';
import { formatBeijing } from './time';
import { makeProblem, type Problem } from './validation';

export interface SelfAssessmentInput {
  narrative: string;
  scores: SelfScore[];
  roster: RosterEntry[];
}

const percent = (r: number) => `${(Math.floor(r * 1000) / 10).toFixed(1)}%`;

/** Scores are whole or half points; sums are kept to one decimal so 0.5 steps never drift. */
const round1 = (n: number) => Math.round(n * 10) / 10;

/** The unit's registered roster (its current version), when it has one: the figures are measured against it. */
export interface RegisteredRoster {
  version: number;
  communities: ReadonlyArray<{ name: string }>;
}

export function assessSelfAssessment(
  plan: Plan,
  input: SelfAssessmentInput,
  registered: RegisteredRoster | null = null,
): { figures: SelfAssessmentFigures; findings: Problem[]; errors: Problem[] } {
  const errors: Problem[] = [];
  const findings: Problem[] = [];
  const items = new Map(plan.rubric.items.map((i) => [i.id, i]));

  const seenItems = new Set<string>();
  let selfScore = 0;
  input.scores.forEach((s, i) => {
    const item = items.get(s.itemId);
    if (!item) {
      errors.push(makeProblem(`selfAssessment.scores[${i}].itemId`, 'unknown-rubric-item', { zh: `评分表中没有“${s.itemId}”这一项`, en: `the score sheet has no item "${s.itemId}"` }));
      return;
    }
    if (seenItems.has(s.itemId)) {
      errors.push(makeProblem(`selfAssessment.scores[${i}].itemId`, 'duplicate', { zh: `“${item.title}”重复评分`, en: `"${item.titleEn ?? item.id}" is scored twice` }));
      return;
    }
    seenItems.add(s.itemId);
    if (s.score > item.maxPoints) {
      errors.push(
        makeProblem(`selfAssessment.scores[${i}].score`, 'exceeds-max', {
          zh: `“${item.title}”自评 ${s.score} 分，超过该项满分 ${item.maxPoints} 分`,
          en: `"${item.titleEn ?? item.id}" is self-scored ${s.score}, above its maximum of ${item.maxPoints}`,
        }),
      );
    }
    const counted = Math.min(s.score, item.maxPoints);
    selfScore += item.kind === 'deduction' ? -counted : item.kind === 'veto' ? 0 : counted;
  });
  for (const item of plan.rubric.items) {
    if (item.kind === 'standard' && !seenItems.has(item.id)) {
      findings.push(
        makeProblem('selfAssessment.scores', 'item-not-scored', { zh: `“${item.title}”（满分 ${item.maxPoints} 分）尚未自评`, en: `"${item.titleEn ?? item.id}" (max ${item.maxPoints}) is not scored` }),
      );
    }
  }

  const names = new Set<string>();
  const roster: SelfAssessmentInput['roster'] = [];
  input.roster.forEach((r, i) => {
    const name = r.name.trim();
    if (names.has(name)) {
      errors.push(makeProblem(`selfAssessment.roster[${i}].name`, 'duplicate', { zh: `“${name}”在名单中出现两次`, en: `"${name}" appears twice in the roster` }));
      return;
    }
    names.add(name);
    if (registered && !registered.communities.some((c) => c.name.trim() === name)) {
      errors.push(
        makeProblem(`selfAssessment.roster[${i}].name`, 'not-registered', {
          zh: `第 ${i + 1} 行“${name}”不在本单位登记的社区/村名单（第 ${registered.version} 版）中，请核对名称或先更新登记名单`,
          en: `row ${i + 1}: "${name}" is not on the unit's registered roster (version ${registered.version}); check the name or register it first`,
        }),
      );
      return;
    }
    roster.push(r);
    if (r.qualified && !r.created) {
      errors.push(
        makeProblem(`selfAssessment.roster[${i}].qualified`, 'qualified-not-created', {
          zh: `“${name}”未创建，不能评为合格`,
          en: `"${name}" is not created, so it cannot be qualified`,
        }),
      );
    }
  });

  const { coveragePercent, passRatePercent, metBy } = plan.targets;
  const by = { zh: `须于${formatBeijing(`${metBy}T12:00:00+08:00`, 'date', 'zh')}（含）前达到`, en: `to be met by ${formatBeijing(`${metBy}T12:00:00+08:00`, 'date', 'en')}` };
  const targets = { coverage: coveragePercent / 100, passRate: passRatePercent / 100 };
  // Against a registered roster: every registered community counts, and one the report leaves out counts as not created.
  const communities = registered ? registered.communities.length : roster.length;
  if (registered) {
    const missing = registered.communities.filter((c) => !names.has(c.name.trim())).map((c) => c.name);
    if (missing.length)
      findings.push(
        makeProblem('selfAssessment.roster', 'registered-not-reported', {
          zh: `已登记的 ${missing.length} 个社区/村未在自评名单中，按未创建计：${missing.slice(0, 20).join('、')}${missing.length > 20 ? '等' : ''}`,
          en: `${missing.length} registered ${missing.length === 1 ? 'community is' : 'communities are'} not in the report and count as not created: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}`,
        }),
      );
  }
  const created = roster.filter((r) => r.created).length;
  const qualified = roster.filter((r) => r.created && r.qualified).length;
  const coverage = communities ? created / communities : null;
  const passRate = created ? qualified / created : null;
  if (communities === 0) {
    findings.push(makeProblem('selfAssessment.roster', 'roster-empty', { zh: '社区（村）名单为空，无法计算创建覆盖率', en: 'the roster is empty, so coverage cannot be computed' }));
  } else if (coverage! < targets.coverage) {
    findings.push(
      makeProblem('selfAssessment.roster', 'coverage-below-target', {
        zh: `创建覆盖率 ${percent(coverage!)}（${created}/${communities}），低于 ${coveragePercent}% 的要求（${by.zh}）`,
        en: `coverage ${percent(coverage!)} (${created}/${communities}) is below the ${coveragePercent}% target (${by.en})`,
      }),
    );
  }
  if (created > 0 && passRate! < targets.passRate) {
    findings.push(
      makeProblem('selfAssessment.roster', 'pass-rate-below-target', {
        zh: `合格率 ${percent(passRate!)}（${qualified}/${created}），低于 ${passRatePercent}% 的要求（${by.zh}）`,
        en: `pass rate ${percent(passRate!)} (${qualified}/${created}) is below the ${passRatePercent}% target (${by.en})`,
      }),
    );
  }

  return {
    figures: {
      communities, created, qualified, coverage, passRate, targets, selfScore: round1(selfScore), total: plan.rubric.total,
      ...(registered ? { registeredRoster: { version: registered.version, communities: registered.communities.length } } : {}),
    },
    findings,
    errors,
  };
}
