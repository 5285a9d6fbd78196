/**
 * What the year's documents are made of: plain data, gathered from the repository by
 * core/use-cases/year-report.ts. Nothing here reads a clock or a store, so the same data always gives the
 * same bytes.
 */
import type { UnitOutcomeStatus } from '../model';
import type { Plan, RubricItem } from '../plan/schema';

/** One rubric item of a unit's 考核评分表, with what the county claimed and what the city gave. */
export interface ScoredItem {
  item: RubricItem;
  /** The county's self-score (自评得分); null when it did not score the item. */
  selfScore: number | null;
  /** The city's score (初评得分); null when the decision carried no score for the item. */
  cityScore: number | null;
  /** The city's reason for a deduction (扣分原因). */
  reason: string | null;
  /** For a veto item (一票否决): true when it applies (the unit fails), false when it passes, null if not assessed. */
  vetoFailed: boolean | null;
}

export interface UnitReport {
  unitId: string;
  name: string;
  outcome: UnitOutcomeStatus | 'undecided';
  /** Review rounds (初评轮次) the unit went through: decisions recorded. */
  rounds: number;
  /** The reviewed deliverable's latest version (自评报告): 0..1, null when not computable or not submitted. */
  coverage: number | null;
  passRate: number | null;
  /** The inspection's sampled pass rate (抽查合格率), 0..1; undefined/null while there is no inspection. */
  sampledPassRate?: number | null;
  /** The city's total (the last decision with scores); null when never scored. */
  score: number | null;
  /** The county's own total on its latest version; null when not submitted. */
  selfScore: number | null;
  /** 1 = best; null when unranked (no score, or a veto item applies); see YearReport.rankedBy. */
  rank: number | null;
  items: ScoredItem[];
}

/** One drafted or confirmed 通报批评 and what it is about. */
export interface CriticismItem {
  /** The 通报批评 sentence(s) as core/notifier/templates.ts criticismText drafts it, without its title. */
  text: string;
  status: 'proposed' | 'confirmed';
  /** The city office's note on confirming. */
  note: string | null;
}

export interface CriticismReport {
  unitId: string;
  name: string;
  items: CriticismItem[];
}

export interface YearReport {
  plan: Plan;
  /** The forwarding record's instant (UTC ISO): every document is dated by it, never by a clock. */
  forwardedAt: string;
  /** 2016-12-01: the forwarding day in Beijing. */
  documentDate: string;
  /** The forwarding report's 文号 (see forwardingNumber). */
  documentNumber: string;
  units: UnitReport[];
  /**
   * What 排名 ranks by: the review's city score, or (a plan with a cross-inspection) the inspection score
   * sheet's, units on the list first (core/ranking.ts).
   */
  rankedBy: 'review' | 'inspection';
  criticisms: CriticismReport[];
  /** File names of the documents, as the report's 附件 list and the download name. */
  fileNames: { workbook: string; report: string; criticism: (unitName: string) => string };
}
