/**
 * The inspection's score sheet (考核评分表) and the unit's standing after the inspection, pure (issue 10 item 4).
 *
 * Scoring on the plan's rubric (plan.rubric.items), every item exactly once:
 * - standard: its maximum minus the deduction (0..maximum); a deduction needs its reason;
 * - bonus (加分): the points awarded (0..maximum) are added; points awarded need their reason;
 * - deduction (扣分项): the deduction (0..maximum) is taken off the total; it needs its reason;
 * - veto (一票否决): passed or failed; a failure needs its reason. It adds nothing to the score; a failure
 *   makes the unit not qualified (see inspectionDisqualifies).
 * score = Σ standard (max − deduction) + Σ bonus − Σ deduction items. Not clamped: the sheet shows what it adds up to.
 */
import { makeProblem, type Problem } from '../validation';
import type { Plan } from '../plan/schema';
import type { InspectionResult, InspectionSample, InspectionScoreSheet, ScoredRubricItem } from './model';

/** One item as the caller sends it. */
export interface ScoreItemInput {
  itemId: string;
  deduction?: number;
  bonus?: number;
  veto?: 'passed' | 'failed';
  reason?: string;
}

const half = (n: number) => Number.isFinite(n) && n >= 0 && Math.round(n * 2) === n * 2;

/** Checks the items against the rubric and computes each item's points; problems name `items[i].field` and the rule. */
export function scoreSheet(plan: Plan, items: readonly ScoreItemInput[]): { ok: true; items: ScoredRubricItem[]; score: number; vetoFailed: string[] } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const rubric = new Map(plan.rubric.items.map((i) => [i.id, i]));
  const seen = new Map<string, number>();
  const out: ScoredRubricItem[] = [];
  items.forEach((input, i) => {
    const at = `items[${i}]`;
    const item = rubric.get(input.itemId);
    if (!item) {
      problems.push(makeProblem(`${at}.itemId`, 'rubric.unknown-item', { zh: `评分表中没有“${input.itemId}”这一项`, en: `the plan's score sheet has no item "${input.itemId}"` }));
      return;
    }
    if (seen.has(item.id)) {
      problems.push(makeProblem(`${at}.itemId`, 'duplicate', { zh: `“${item.title}”已在第 ${seen.get(item.id)! + 1} 项评分`, en: `item "${item.id}" is already scored at items[${seen.get(item.id)}]` }));
      return;
    }
    seen.set(item.id, i);
    const reason = input.reason?.trim() ? input.reason.trim() : null;
    const needReason = (field: string, why: { zh: string; en: string }) =>
      reason ? null : problems.push(makeProblem(`${at}.reason`, 'inspection.reason-required', { zh: `${why.zh}，应写明理由（${field}）`, en: `${why.en}: give the reason (${field})` }));
    const range = (field: 'deduction' | 'bonus', value: number | undefined) => {
      const v = value ?? 0;
      if (!half(v) || v > item.maxPoints) {
        problems.push(makeProblem(`${at}.${field}`, 'inspection.points-range', {
          zh: `“${item.title}”的${field === 'bonus' ? '加分' : '扣分'}应在 0 至 ${item.maxPoints} 分之间（以 0.5 分为单位），收到 ${v}`,
          en: `${field} of "${item.id}" must be 0 to ${item.maxPoints} in steps of 0.5, not ${v}`,
        }));
        return null;
      }
      return v;
    };
    const wrongField = (field: string) =>
      problems.push(makeProblem(`${at}.${field}`, 'inspection.field-not-for-kind', { zh: `“${item.title}”（${item.kind}）不适用 ${field}`, en: `${field} does not apply to a ${item.kind} item ("${item.id}")` }));
    if (item.kind === 'veto') {
      if (input.deduction !== undefined) wrongField('deduction');
      if (input.bonus !== undefined) wrongField('bonus');
      if (!input.veto) {
        problems.push(makeProblem(`${at}.veto`, 'required', { zh: `一票否决项“${item.title}”应评定为 passed（未否决）或 failed（否决）`, en: `the veto item "${item.id}" must be marked passed or failed` }));
        return;
      }
      if (input.veto === 'failed') needReason('veto', { zh: '一票否决项被否决', en: 'a failed veto item' });
      out.push({ itemId: item.id, kind: 'veto', deduction: 0, bonus: 0, veto: input.veto, reason, points: 0 });
      return;
    }
    if (input.veto !== undefined) wrongField('veto');
    if (item.kind === 'bonus') {
      if (input.deduction !== undefined) wrongField('deduction');
      const b = range('bonus', input.bonus);
      if (b === null) return;
      if (b > 0) needReason('bonus', { zh: '加分', en: 'points awarded' });
      out.push({ itemId: item.id, kind: 'bonus', deduction: 0, bonus: b, veto: null, reason, points: b });
      return;
    }
    if (input.bonus !== undefined) wrongField('bonus');
    const d = range('deduction', input.deduction);
    if (d === null) return;
    if (d > 0) needReason('deduction', { zh: '扣分', en: 'a deduction' });
    out.push({ itemId: item.id, kind: item.kind, deduction: d, bonus: 0, veto: null, reason, points: item.kind === 'standard' ? item.maxPoints - d : -d });
  });
  plan.rubric.items.forEach((item) => {
    if (!seen.has(item.id))
      problems.push(makeProblem('items', 'inspection.item-missing', { zh: `评分表缺少“${item.title}”（${item.id}）：每一项都应评分`, en: `the sheet leaves out "${item.id}": every item of the rubric is scored` }));
  });
  if (problems.length) return { ok: false, problems };
  const ordered = plan.rubric.items.map((r) => out.find((o) => o.itemId === r.id)!);
  return {
    ok: true,
    items: ordered,
    score: ordered.reduce((s, i) => s + i.points, 0),
    vetoFailed: ordered.filter((i) => i.veto === 'failed').map((i) => i.itemId),
  };
}

/** What the cross-inspection found about a unit: the figures the standing and the documents read. */
export interface InspectionStanding {
  /** Whether anything was recorded (a result or a score sheet): before that, the inspection decides nothing. */
  recorded: boolean;
  sampled: number;
  passing: number;
  /** 抽查合格率: passing ⁄ sampled communities (0..1); null when nothing was sampled or nothing recorded. */
  sampledPassRate: number | null;
  score: number | null;
  vetoFailed: string[];
  /** Why the inspection makes the unit not qualified (empty: it does not). */
  disqualifiedBy: Array<'veto-failed' | 'sampled-pass-rate'>;
}

/**
 * THE rule (one place): a unit whose inspection recorded a failed veto item, or whose sampled pass rate is under
 * plan.targets.passRatePercent, is not qualified, whatever its review. A sampled community with no result yet
 * counts as not passing (the rate is over the whole sample). A unit with no sample, an empty sample or nothing
 * recorded at all is not judged by the inspection (its review alone decides, as before cross-inspection existed).
 */
export function inspectionStanding(
  plan: Plan,
  sample: InspectionSample | null,
  results: readonly InspectionResult[],
  sheet: InspectionScoreSheet | null,
): InspectionStanding {
  const sampled = sample?.status === 'drawn' ? sample.sample.length : 0;
  const positions = new Set(sample?.sample.map((c) => c.position) ?? []);
  const passing = results.filter((r) => r.passed && positions.has(r.position)).length;
  const recorded = results.length > 0 || sheet !== null;
  const sampledPassRate = recorded && sampled > 0 && results.length > 0 ? passing / sampled : null;
  const vetoFailed = sheet?.vetoFailed ?? [];
  const disqualifiedBy: InspectionStanding['disqualifiedBy'] = [];
  if (vetoFailed.length) disqualifiedBy.push('veto-failed');
  // Whole percent as the plan states it: 2 of 3 (66.7 %) is under 80; compared without rounding.
  if (sampledPassRate !== null && sampledPassRate * 100 < plan.targets.passRatePercent) disqualifiedBy.push('sampled-pass-rate');
  return { recorded, sampled, passing, sampledPassRate, score: sheet?.score ?? null, vetoFailed, disqualifiedBy };
}
