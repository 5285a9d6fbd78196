/**
 * Gathers the year's documents' data from the repository (core/exports turns it into bytes).
 *
 * Per unit, in the plan's order:
 * - the outcome (listOutcomes; 'undecided' when none was recorded);
 * - rounds: the review decisions recorded for it;
 * - the reviewed deliverable's latest version: 创建覆盖率, 合格率 and the county's self-score per item;
 * - the city's score per item and its total from the last decision that carried scores;
 * - the sampled pass rate and failed veto items from an inspection, when one is given (cross-inspection is
 *   built elsewhere; absent, the summary says 未抽查). A unit without an inspection that passed the review
 *   passed its veto items; otherwise a veto item reads 未评定.
 * Rank (core/ranking.ts, the one rule): with a cross-inspection in the plan, the inspection score sheet's
 * rank as GET …/score shows it (units on the list first); without, by the city's score, highest first; equal
 * scores by the unit's name in pinyin order (zh-Hans-CN collation); a unit with no score or a failed veto
 * item is not ranked.
 * Criticisms: every proposal still proposed or confirmed (a withdrawn one is dropped), grouped by unit.
 */
import { fileNames, forwardingNumber, type CriticismReport, type ScoredItem, type UnitReport, type YearReport } from '../exports';
import type { ForwardingRecord, ReviewDecision, SubmissionVersion, SupervisionProposal } from '../model';
import { criticismText } from '../notifier/templates';
import type { Plan } from '../plan/schema';
import { localDateOf } from '../time';
import { rankByScore } from '../ranking';
import type { Context, LoadedPlan } from './context';

/** What a cross-inspection found about a unit (optional until inspection exists). */
export interface InspectionFacts {
  /** 抽查合格率, 0..1. */
  sampledPassRate?: number | null;
  /** Ids of veto items (一票否决) that apply to the unit. */
  vetoFailed?: string[];
  /**
   * The inspection makes the unit not qualified (core/use-cases/inspection-results.ts qualifiesForList): its
   * outcome reads 不合格 in the documents even if its review approved it, as in the list that went up.
   */
  disqualified?: boolean;
}

export async function buildYearReport(
  ctx: Context,
  input: {
    cycleId: string;
    forwarding: ForwardingRecord;
    inspection?: (unitId: string) => InspectionFacts | undefined;
    /**
     * The plan has a cross-inspection: the 排名 is the inspection score's (inspection-results.ts
     * inspectionStandings, the score view's own rank), not the review's.
     */
    inspectionRank?: (unitId: string) => number | null;
  },
): Promise<YearReport> {
  const loaded = await ctx.loadPlan(input.cycleId);
  const { plan } = loaded;
  const [outcomes, decisions, submissions, proposals] = await Promise.all([
    ctx.repo.listOutcomes(input.cycleId),
    ctx.repo.listDecisions(input.cycleId),
    ctx.repo.listSubmissions(input.cycleId),
    ctx.repo.listProposals(input.cycleId),
  ]);
  const outcomeOf = new Map(outcomes.map((o) => [o.unitId, o.outcome]));
  const reviewed = latestVersions(submissions, loaded.schedule.review.deliverableId);
  const units = plan.units.map((u): UnitReport => {
    const own = decisions.filter((d) => d.unitId === u.id).sort((a, b) => a.round - b.round);
    const inspection = input.inspection?.(u.id);
    const reviewOutcome = outcomeOf.get(u.id) ?? 'undecided';
    const outcome = reviewOutcome === 'qualified' && inspection?.disqualified ? 'not-qualified' : reviewOutcome;
    const version = reviewed.get(u.id);
    const scored = [...own].reverse().find((d) => d.scores?.length);
    const items = scoredItems(plan, version, scored, outcome === 'qualified', inspection);
    return {
      unitId: u.id,
      name: u.name,
      outcome,
      rounds: own.length,
      coverage: version?.selfAssessment?.figures.coverage ?? null,
      passRate: version?.selfAssessment?.figures.passRate ?? null,
      sampledPassRate: inspection?.sampledPassRate ?? null,
      score: scored?.cityScore ?? null,
      selfScore: version?.selfAssessment?.figures.selfScore ?? null,
      rank: null,
      items,
    };
  });
  if (input.inspectionRank) for (const u of units) u.rank = input.inspectionRank(u.unitId);
  else rankUnits(units);
  return {
    rankedBy: input.inspectionRank ? 'inspection' : 'review',
    plan,
    forwardedAt: input.forwarding.forwardedAt,
    documentDate: localDateOf(input.forwarding.forwardedAt),
    documentNumber: forwardingNumber(plan),
    units,
    criticisms: criticismsOf(loaded, proposals),
    fileNames: fileNames(plan),
  };
}

function latestVersions(submissions: SubmissionVersion[], deliverableId: string): Map<string, SubmissionVersion> {
  const latest = new Map<string, SubmissionVersion>();
  for (const s of submissions) {
    if (s.deliverableId !== deliverableId) continue;
    if ((latest.get(s.unitId)?.version ?? 0) < s.version) latest.set(s.unitId, s);
  }
  return latest;
}

function scoredItems(
  plan: Plan,
  version: SubmissionVersion | undefined,
  decision: ReviewDecision | undefined,
  qualified: boolean,
  inspection: InspectionFacts | undefined,
): ScoredItem[] {
  const self = new Map(version?.selfAssessment?.scores.map((s) => [s.itemId, s.score]) ?? []);
  const city = new Map(decision?.scores?.map((s) => [s.itemId, s]) ?? []);
  return plan.rubric.items.map((item) => {
    return {
      item,
      selfScore: self.get(item.id) ?? null,
      cityScore: city.get(item.id)?.score ?? null,
      reason: city.get(item.id)?.reason ?? null,
      vetoFailed: item.kind !== 'veto' ? null : inspection?.vetoFailed ? inspection.vetoFailed.includes(item.id) : qualified ? false : null,
    };
  });
}

/**
 * Ranks in place by the review (core/ranking.ts rankByScore, no list yet): by the city's score, highest first,
 * then name (pinyin); no score or a failed veto item: no rank.
 */
export function rankUnits(units: UnitReport[]): void {
  const rank = rankByScore(units.map((u) => ({ id: u.unitId, name: u.name, score: u.score, vetoFailed: u.items.some((i) => i.vetoFailed === true) })));
  for (const u of units) u.rank = rank.get(u.unitId) ?? null;
}

/** The units a 通报批评 draft is made for: those with a proposal still proposed or confirmed, in the plan's order. */
export const criticizedUnits = (plan: Plan, proposals: SupervisionProposal[]) => {
  const with_ = new Set(proposals.filter((p) => p.status !== 'withdrawn').map((p) => p.unitId));
  return plan.units.filter((u) => with_.has(u.id));
};

function criticismsOf(loaded: LoadedPlan, proposals: SupervisionProposal[]): CriticismReport[] {
  const { plan } = loaded;
  return criticizedUnits(plan, proposals).map((u): CriticismReport => {
    const own = proposals
      .filter((p) => p.unitId === u.id && p.status !== 'withdrawn')
      .sort((a, b) => a.proposedAt.localeCompare(b.proposedAt) || a.proposalId.localeCompare(b.proposalId));
    const unit = loaded.units.get(u.id)!;
    const items = own.map((p) => {
      const deliverable = loaded.deliverables.get(p.deliverableId)!.deliverable;
      // The drafted sentence without its heading (关于对X的通报：): the document has its own title.
      const text = criticismText(plan, unit, deliverable, p.dueAt, p.about).zh.replace(/^[^：]*：/, '');
      return { text, status: p.status as 'proposed' | 'confirmed', note: p.status === 'confirmed' ? p.reason ?? null : null };
    });
    return { unitId: u.id, name: u.name, items };
  });
}
