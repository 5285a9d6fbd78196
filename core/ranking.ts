/**
 * THE ranking rule (排名), one function for every place that ranks units: the cross-inspection's score view
 * (GET …/inspection/{windowId}/score, core/use-cases/inspection-results.ts inspectionStandings) and the
 * workbook's 排名 column (core/use-cases/year-report.ts), so the rank the city office reads on screen is the
 * one that goes up.
 *
 * Units that qualify for the list come first, those that do not after them (the list that goes up is
 * core/use-cases/inspection-results.ts qualifiesForList); within each, by score, highest first, equal
 * scores by the unit's name in pinyin order (zh-Hans-CN collation). A unit with no score or a failed veto
 * item (一票否决) is not ranked.
 */
export interface Rankable {
  id: string;
  name: string;
  score: number | null;
  /** A veto item applies: not ranked. */
  vetoFailed: boolean;
  /** Whether it qualifies for the list; omitted (the review's ranking, before any list): all rank together. */
  qualifies?: boolean;
}

const collator = new Intl.Collator('zh-Hans-CN');

/** 1 = best; null when not ranked. Every entry gets a rank or null, by id. */
export function rankByScore(entries: readonly Rankable[]): Map<string, number | null> {
  const group = (e: Rankable) => (e.qualifies === false ? 1 : 0);
  const ranked = entries
    .filter((e) => e.score !== null && !e.vetoFailed)
    .sort((a, b) => group(a) - group(b) || b.score! - a.score! || collator.compare(a.name, b.name));
  const rank = new Map(ranked.map((e, i) => [e.id, i + 1]));
  return new Map(entries.map((e) => [e.id, rank.get(e.id) ?? null]));
}
