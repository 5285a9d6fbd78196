/**
 * Inspection results and the score sheet (检查结果、考核评分表; issue 10 item 4), and the unit's standing after
 * the inspection.
 *
 * Who records: the group's inspectors (检查组成员, each an `inspector-<groupId>` account, only on the units
 * their group inspects in the cycle's plan: core/use-cases/inspection-access.ts), or the city office on the
 * group's behalf; every audit entry names the user who recorded it, its role and the group.
 *
 * Primary course of recordInspectionResult (PUT …/inspection/{windowId}/results, one community per call):
 *   1. the input is checked (each problem names the field and the rule); nothing is read before;
 *   2. the window is the unit's window; its sample is recorded (drawn) and the window has not closed
 *      (after the last day of the window, Beijing): otherwise refused naming the rule, nothing stored;
 *   3. the community is one of the sample (by name): otherwise refused naming it;
 *   4. the evidence names checked uploads of the unit (the upload flow of ./uploads.ts);
 *   5. the same result again (a retry) stores nothing; one made from another version than the stored one is
 *      a 409 naming who recorded the stored one and when;
 *   6. the result is stored with its audit entry (the whole result, so every version stays readable there) in
 *      one transaction, only if still at the version it was made from.
 * recordInspectionScore is the same course for the unit's one score sheet of the window, computed on the
 * plan's rubric (core/inspection/scoring.ts).
 */
import { InspectionClosedError, InspectionConflictError, NotFoundError, ValidationError } from '../errors';
import type { InspectionResult, InspectionSample, InspectionScoreSheet } from '../inspection/model';
import { inspectionStanding, scoreSheet, type InspectionStanding, type ScoreItemInput } from '../inspection/scoring';
import type { Actor, UnitOutcomeStatus } from '../model';
import { fromAddress, inspectionTemplates, type OutcomeInspection } from '../notifier/templates';
import { drawInstant } from '../plan/schedule';
import { inspectionOf } from '../plan/validate-inspection';
import { rankByScore } from '../ranking';
import { formatBeijing, localDateOf } from '../time';
import { makeProblem, type Problem } from '../validation';
import type { Context, LoadedPlan } from './context';
import { resolveDocuments } from './uploads';
import { beijing, unitInfo } from './view-parts';

type Window = { cycleId: string; unitId: string; windowId: string };

async function windowOf(ctx: Context, input: Window) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const found = inspectionOf(loaded.plan, unit.id);
  if (!found || found.window.id !== input.windowId)
    throw new NotFoundError(
      { zh: `${unit.name}不在检查时段“${input.windowId}”中接受交叉检查`, en: `${unit.nameEn ?? unit.id} is not inspected in window "${input.windowId}"` },
      { unitId: unit.id, windowId: input.windowId },
    );
  return { loaded, unit, ...found };
}

/** What is recorded of one unit's inspection in a window: its sample, its results and its score sheet (three reads of its partition). */
async function readInspection(ctx: Context, cycleId: string, unitId: string, windowId: string) {
  const [sample, results, sheet] = await Promise.all([
    ctx.repo.getSample(cycleId, unitId, windowId),
    ctx.repo.listInspectionResults(cycleId, unitId, windowId),
    ctx.repo.getInspectionScore(cycleId, unitId, windowId),
  ]);
  return { sample, results, sheet };
}

/** After the window's last day (Beijing): nothing more is recorded. */
const windowClosed = (ctx: Context, window: { closes: string }) => localDateOf(ctx.clock.now()) > window.closes;

/** Step 2: between the draw (a recorded sample) and the end of the window's last day (Beijing). */
function assertOpen(ctx: Context, sample: InspectionSample | null, window: { id: string; closes: string }) {
  if (!sample || sample.status !== 'drawn')
    throw new InspectionClosedError(
      {
        zh: sample ? '该单位抽样时未登记社区/村名单，没有可记录结果的抽查社区（inspection.no-sample）' : '本检查时段尚未抽样：抽样之后才能记录检查结果（inspection.before-draw）',
        en: sample ? 'the unit had no registered roster at the draw: no sampled community to record (inspection.no-sample)' : 'the window\'s sample has not been drawn yet: results are recorded after the draw (inspection.before-draw)',
      },
      { rule: sample ? 'inspection.no-sample' : 'inspection.before-draw' },
    );
  if (windowClosed(ctx, window))
    throw new InspectionClosedError(
      { zh: `检查时段已于 ${window.closes} 结束，不能再记录（inspection.window-closed）`, en: `the window closed on ${window.closes}: nothing more is recorded (inspection.window-closed)` },
      { rule: 'inspection.window-closed', closes: window.closes },
    );
}

const conflict = (what: { zh: string; en: string }, current: { recordedBy: string; recordedAt: string; version: number } | null, expected: number) =>
  new InspectionConflictError(
    current
      ? {
        zh: `${what.zh}已由 ${current.recordedBy} 于 ${formatBeijing(current.recordedAt, 'datetime', 'zh')} 记录为第 ${current.version} 版，请刷新后在新版本上修改`,
        en: `${what.en} was recorded by ${current.recordedBy} on ${formatBeijing(current.recordedAt, 'datetime', 'en')} (version ${current.version}); reload and edit that version`,
      }
      : { zh: `${what.zh}尚未记录（当前为第 0 版），不能在第 ${expected} 版上修改`, en: `${what.en} is not recorded yet (version 0), not version ${expected}` },
    current ? { version: current.version, recordedBy: current.recordedBy, recordedAt: beijing(current.recordedAt) } : { version: 0 },
  );

const versionProblem = (version: number): Problem[] =>
  Number.isInteger(version) && version >= 0
    ? []
    : [makeProblem('version', 'type', { zh: 'version 应为不小于 0 的整数（所修改的版本号，0 为首次记录）', en: 'version must be a whole number, 0 or more (the version edited; 0 for the first record)' })];

export const resultView = (r: InspectionResult) => ({
  position: r.position, name: r.name, passed: r.passed, notes: r.notes,
  evidence: r.evidence.map((d) => ({ uploadId: d.uploadId, fileName: d.fileName, contentType: d.contentType, size: d.size, sha256: d.sha256 })), version: r.version, recordedBy: r.recordedBy, recordedAt: beijing(r.recordedAt),
});

export interface RecordResultInput extends Window {
  /** The version edited (0: none recorded yet). */
  version: number;
  community: string;
  passed: boolean;
  notes?: string;
  evidence?: readonly string[];
  recordedBy: string;
  /** Who recorded: an inspector of the group, or the city office on its behalf. @default 'city' */
  recorderRole?: Recorder;
}

type Recorder = 'city' | 'inspector';
/** The audit's account of who recorded: the group always; "on its behalf" when the city office did. */
const recorder = (role: Recorder | undefined, group: { id: string; name: string }) => ({
  groupId: group.id, groupName: group.name, ...(role === 'inspector' ? {} : { onBehalfOf: 'inspection-group' }),
});

export async function recordInspectionResult(ctx: Context, input: RecordResultInput) {
  const problems = versionProblem(input.version);
  if (problems.length) throw new ValidationError(problems, RESULT_REFUSED);
  const { unit, group, window } = await windowOf(ctx, input);
  const sample = await ctx.repo.getSample(input.cycleId, unit.id, window.id);
  assertOpen(ctx, sample, window);
  const community = sample!.sample.find((c) => c.name === input.community);
  if (!community)
    throw new ValidationError(
      [makeProblem('community', 'inspection.not-sampled', {
        zh: `“${input.community}”不在${unit.name}本次抽查的社区/村之中（抽查：${sample!.sample.map((c) => c.name).join('、')}）`,
        en: `"${input.community}" is not among the communities sampled for ${unit.nameEn ?? unit.id} (sampled: ${sample!.sample.map((c) => c.name).join(', ')})`,
      })],
      RESULT_REFUSED,
    );
  const evidence = input.evidence?.length ? await resolveDocuments(ctx, { cycleId: input.cycleId, unitId: unit.id, uploadIds: input.evidence, field: 'evidence', ...(input.recorderRole === 'inspector' ? { onlyBy: input.recordedBy } : {}) }) : [];
  const notes = (input.notes ?? '').trim();
  const current = (await ctx.repo.listInspectionResults(input.cycleId, unit.id, window.id)).find((r) => r.position === community.position) ?? null;
  const what = { zh: `“${community.name}”的检查结果`, en: `the result of "${community.name}"` };
  if (current && current.passed === input.passed && current.notes === notes && sameDocs(current.evidence, evidence))
    return { recorded: false, result: resultView(current) };
  if (input.version !== (current?.version ?? 0)) throw conflict(what, current, input.version);
  const now = ctx.nowIso();
  const result: InspectionResult = {
    cycleId: input.cycleId, unitId: unit.id, windowId: window.id, groupId: group.id, position: community.position, name: community.name,
    passed: input.passed, notes, evidence, version: input.version + 1, recordedBy: input.recordedBy, recordedAt: now,
  };
  const stored = await ctx.repo.putInspectionResult(result, {
    cycleId: input.cycleId, unitId: unit.id, at: now, actor: input.recordedBy, role: input.recorderRole ?? 'city', action: 'record-inspection-result',
    what: {
      windowId: window.id, ...recorder(input.recorderRole, group), position: community.position, community: community.name,
      version: result.version, passed: result.passed, notes, evidence: evidence.map((d) => ({ uploadId: d.uploadId, fileName: d.fileName, sha256: d.sha256 })),
      before: current ? { version: current.version, passed: current.passed, notes: current.notes } : null,
    },
  });
  if (!stored.recorded) {
    const c = stored.current;
    if (c && c.passed === result.passed && c.notes === notes && sameDocs(c.evidence, evidence)) return { recorded: false, result: resultView(c) };
    throw conflict(what, c, input.version);
  }
  return { recorded: true, result: resultView(result) };
}

const RESULT_REFUSED = { zh: '检查结果未保存：输入有误', en: 'The inspection result was not saved: invalid input' };
const SCORE_REFUSED = { zh: '考核评分未保存：输入有误', en: 'The score sheet was not saved: invalid input' };
const sameDocs = (a: readonly { uploadId: string }[], b: readonly { uploadId: string }[]) =>
  a.length === b.length && a.every((d, i) => d.uploadId === b[i]!.uploadId);

export const scoreView = (loaded: LoadedPlan, s: InspectionScoreSheet) => ({
  version: s.version,
  score: s.score,
  total: loaded.plan.rubric.total,
  vetoFailed: s.vetoFailed,
  items: s.items.map((i) => {
    const item = loaded.plan.rubric.items.find((r) => r.id === i.itemId);
    return { ...i, title: item?.title ?? i.itemId, maxPoints: item?.maxPoints ?? 0 };
  }),
  recordedBy: s.recordedBy,
  recordedAt: beijing(s.recordedAt),
});

export interface RecordScoreInput extends Window {
  version: number;
  items: readonly ScoreItemInput[];
  recordedBy: string;
  /** @default 'city' */
  recorderRole?: Recorder;
}

export async function recordInspectionScore(ctx: Context, input: RecordScoreInput) {
  const { loaded, unit, group, window } = await windowOf(ctx, input);
  const problems = versionProblem(input.version);
  const checked = scoreSheet(loaded.plan, input.items);
  if (!checked.ok) problems.push(...checked.problems);
  if (problems.length || !checked.ok) throw new ValidationError(problems, SCORE_REFUSED);
  const sample = await ctx.repo.getSample(input.cycleId, unit.id, window.id);
  // The sheet follows the visit: after the draw, until the window closes (a no-roster unit is still scored).
  if (!sample) assertOpen(ctx, sample, window);
  else assertOpen(ctx, { ...sample, status: 'drawn' }, window);
  const current = await ctx.repo.getInspectionScore(input.cycleId, unit.id, window.id);
  const what = { zh: `${unit.name}的考核评分表`, en: `the score sheet of ${unit.nameEn ?? unit.id}` };
  const same = (s: InspectionScoreSheet) => JSON.stringify(s.items) === JSON.stringify(checked.items);
  if (current && same(current)) return { recorded: false, sheet: scoreView(loaded, current) };
  if (input.version !== (current?.version ?? 0)) throw conflict(what, current, input.version);
  const now = ctx.nowIso();
  const sheet: InspectionScoreSheet = {
    cycleId: input.cycleId, unitId: unit.id, windowId: window.id, groupId: group.id, items: checked.items, score: checked.score,
    vetoFailed: checked.vetoFailed, version: input.version + 1, recordedBy: input.recordedBy, recordedAt: now,
  };
  const stored = await ctx.repo.putInspectionScore(sheet, {
    cycleId: input.cycleId, unitId: unit.id, at: now, actor: input.recordedBy, role: input.recorderRole ?? 'city', action: 'record-inspection-score',
    what: {
      windowId: window.id, ...recorder(input.recorderRole, group), version: sheet.version, score: sheet.score,
      vetoFailed: sheet.vetoFailed, items: sheet.items, before: current ? { version: current.version, score: current.score, vetoFailed: current.vetoFailed } : null,
    },
  });
  if (!stored.recorded) {
    if (stored.current && same(stored.current)) return { recorded: false, sheet: scoreView(loaded, stored.current) };
    throw conflict(what, stored.current, input.version);
  }
  return { recorded: true, sheet: scoreView(loaded, sheet) };
}

const standingView = (s: InspectionStanding) => ({ ...s });

/**
 * Where a window stands for recording, by the server's clock (the portal's clock may not be the system's):
 * before its draw nothing is recorded, after its last day (Beijing) nothing more; in between the results of
 * a drawn sample and the score sheet are.
 */
export type WindowState = 'before-draw' | 'open' | 'closed';
function windowView(ctx: Context, loaded: LoadedPlan, window: { id: string; name: string; nameEn?: string; opens: string; closes: string }, sample: InspectionSample | null) {
  const state: WindowState = windowClosed(ctx, window) ? 'closed' : sample ? 'open' : 'before-draw';
  return {
    id: window.id, name: window.name, nameEn: window.nameEn ?? null, opens: window.opens, closes: window.closes,
    drawAt: beijing(drawInstant(loaded.plan, window.opens)), state,
  };
}

/** GET …/inspection/{windowId}/results: the sample with each community's result (null: none yet), and the standing. */
export async function unitInspectionResults(ctx: Context, input: Window) {
  const { loaded, unit, group, window } = await windowOf(ctx, input);
  const { sample, results, sheet } = await readInspection(ctx, input.cycleId, unit.id, window.id);
  const byPosition = new Map(results.map((r) => [r.position, r]));
  return {
    cycleId: input.cycleId, unit: unitInfo(unit), windowId: window.id, group: { id: group.id, name: group.name },
    window: windowView(ctx, loaded, window, sample),
    sampleStatus: sample?.status ?? null,
    communities: (sample?.sample ?? []).map((c) => {
      const r = byPosition.get(c.position);
      return { position: c.position, name: c.name, kind: c.kind, result: r ? resultView(r) : null };
    }),
    standing: standingView(inspectionStanding(loaded.plan, sample, results, sheet)),
  };
}

/** GET …/inspection/{windowId}/score: the unit's score sheet (null: none yet), its standing and its rank. */
export async function unitInspectionScore(ctx: Context, input: Window) {
  const { loaded, unit, group, window } = await windowOf(ctx, input);
  const standings = await inspectionStandings(ctx, input.cycleId);
  const [sheet, sample] = await Promise.all([
    ctx.repo.getInspectionScore(input.cycleId, unit.id, window.id),
    ctx.repo.getSample(input.cycleId, unit.id, window.id),
  ]);
  const own = standings.get(unit.id)!;
  return {
    cycleId: input.cycleId, unit: unitInfo(unit), windowId: window.id, group: { id: group.id, name: group.name },
    window: windowView(ctx, loaded, window, sample),
    rubric: loaded.plan.rubric.items.map((i) => ({ id: i.id, title: i.title, kind: i.kind, maxPoints: i.maxPoints, evidence: i.evidence })),
    sheet: sheet ? scoreView(loaded, sheet) : null,
    standing: standingView(own.standing),
    rank: own.rank,
  };
}

/**
 * GET /cycles/{cycleId}/inspections (交叉检查): every inspected unit, by window and group, with its draw and
 * what is recorded so far. The city office sees every group; an inspector its own group only (the route's
 * plan check has already refused one whose group is not in the plan).
 */
export async function inspectionOverview(ctx: Context, input: { cycleId: string; actor: Actor }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const { plan } = loaded;
  const ins = plan.inspection;
  const groups = (ins?.groups ?? []).filter((g) => input.actor.role === 'city' || (input.actor.role === 'inspector' && g.id === input.actor.groupId));
  const windows = ins?.windows.filter((w) => groups.some((g) => g.window === w.id)) ?? [];
  const standings = await inspectionStandings(ctx, input.cycleId);
  const rows = await Promise.all(
    groups.flatMap((g) =>
      g.units.map(async (unitId) => {
        const unit = ctx.unitOf(loaded, unitId);
        const window = windows.find((w) => w.id === g.window)!;
        const { sample, results, sheet } = await readInspection(ctx, input.cycleId, unit.id, window.id);
        const own = standings.get(unit.id);
        return {
          windowId: window.id,
          window: windowView(ctx, loaded, window, sample),
          group: { id: g.id, name: g.name, nameEn: g.nameEn ?? null, fromUnit: g.fromUnit ?? null },
          unit: unitInfo(unit),
          sampleStatus: sample?.status ?? null,
          sampled: sample?.sample.length ?? 0,
          recorded: results.length,
          sheet: sheet ? { version: sheet.version, score: sheet.score, total: plan.rubric.total, vetoFailed: sheet.vetoFailed, recordedBy: sheet.recordedBy, recordedAt: beijing(sheet.recordedAt) } : null,
          standing: standingView(own!.standing),
          rank: own?.rank ?? null,
        };
      }),
    ),
  );
  return {
    cycleId: input.cycleId,
    /** The group the caller inspects for (null: the city office, which sees every group). */
    groupId: input.actor.role === 'inspector' ? (input.actor.groupId ?? null) : null,
    windows: windows.map((w) => ({ id: w.id, name: w.name, nameEn: w.nameEn ?? null, opens: w.opens, closes: w.closes })),
    inspections: rows,
  };
}

/**
 * Every unit's inspection standing and its rank by inspection score (core/ranking.ts rankByScore, the rule the
 * workbook's 排名 uses too: units that qualify for the list first, then the others; within each, highest score
 * first, equal scores by name in pinyin order; a unit with no score sheet or a failed veto item is not ranked).
 * Units without inspection in the plan stand as not recorded.
 */
export async function inspectionStandings(ctx: Context, cycleId: string): Promise<Map<string, { standing: InspectionStanding; rank: number | null }>> {
  const loaded = await ctx.loadPlan(cycleId);
  const { plan } = loaded;
  const [entries, outcomes] = await Promise.all([
    Promise.all(
      plan.units.map(async (u) => {
        const found = inspectionOf(plan, u.id);
        if (!found) return [u, inspectionStanding(plan, null, [], null)] as const;
        const { sample, results, sheet } = await readInspection(ctx, cycleId, u.id, found.window.id);
        return [u, inspectionStanding(plan, sample, results, sheet)] as const;
      }),
    ),
    ctx.repo.listOutcomes(cycleId),
  ]);
  const outcomeOf = new Map(outcomes.map((o) => [o.unitId, o.outcome]));
  const rank = rankByScore(
    entries.map(([u, s]) => ({ id: u.id, name: u.name, score: s.score, vetoFailed: s.vetoFailed.length > 0, qualifies: qualifiesForList(outcomeOf.get(u.id), s) })),
  );
  return new Map(entries.map(([u, standing]) => [u.id, { standing, rank: rank.get(u.id) ?? null }]));
}

/**
 * THE qualified rule for the list that goes up (forwardToProvince and the documents read it): the review's
 * outcome is `qualified` AND the inspection does not disqualify the unit (core/inspection/scoring.ts
 * inspectionStanding: a failed veto item, or a sampled pass rate under plan.targets.passRatePercent).
 */
export const qualifiesForList = (outcome: UnitOutcomeStatus | undefined, standing: InspectionStanding | undefined) =>
  outcome === 'qualified' && (standing?.disqualifiedBy.length ?? 0) === 0;

/**
 * One unit's cross-inspection at a glance (the 总览's row, the 初评结果通知): its window and group, whether the
 * sample is drawn, how many sampled communities have a result, and its standing; null when the plan does not
 * inspect the unit. Three reads of the unit's own partition (no other unit's).
 */
export async function unitInspectionGlance(ctx: Context, loaded: LoadedPlan, unitId: string) {
  const facts = await unitInspectionFacts(ctx, loaded, unitId);
  return facts && glanceOf(ctx, loaded, facts);
}

/** A unit's inspection as recorded: its window and group, and the sample, results and score sheet; null when not inspected. */
async function unitInspectionFacts(ctx: Context, loaded: LoadedPlan, unitId: string) {
  const found = inspectionOf(loaded.plan, unitId);
  if (!found) return null;
  return { ...found, ...(await readInspection(ctx, loaded.plan.cycleId, unitId, found.window.id)) };
}

function glanceOf(ctx: Context, loaded: LoadedPlan, f: NonNullable<Awaited<ReturnType<typeof unitInspectionFacts>>>) {
  const { window, group, sample, results, sheet } = f;
  return {
    window: { id: window.id, name: window.name, nameEn: window.nameEn ?? null, opens: window.opens, closes: window.closes },
    group: { id: group.id, name: group.name, nameEn: group.nameEn ?? null },
    sampleStatus: sample?.status ?? null,
    /** Sampled communities with a result recorded. */
    resultsRecorded: results.length,
    scoreRecorded: sheet !== null,
    /** After the window's last day (Beijing): nothing more is recorded, the standing is final. */
    closed: windowClosed(ctx, window),
    standing: standingView(inspectionStanding(loaded.plan, sample, results, sheet)),
  };
}
export type InspectionGlance = NonNullable<Awaited<ReturnType<typeof unitInspectionGlance>>>;

/** The glance in the words the 初评结果通知 and the results notice take (core/notifier/templates.ts). */
export const outcomeInspection = (g: InspectionGlance): OutcomeInspection => ({
  windowName: { zh: g.window.name, en: g.window.nameEn ?? g.window.name }, opens: g.window.opens, closes: g.window.closes, closed: g.closed,
  disqualifiedBy: g.standing.disqualifiedBy, vetoFailed: g.standing.vetoFailed, sampledPassRate: g.standing.sampledPassRate,
});

/**
 * 交叉检查结果通知 (the UnitCycle, the first sending morning after the window's last day): what the group
 * recorded for each sampled community, the score, and what it means for the list, to the unit's office with its
 * leader in Cc. Once, through the ledger. Nothing when the window is not the unit's, or the unit has no drawn
 * sample in it (the office was told at the draw) — 'not-needed'.
 */
export async function sendInspectionResultNotice(ctx: Context, input: Window) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  const [facts, outcome] = await Promise.all([unitInspectionFacts(ctx, loaded, unit.id), ctx.repo.getOutcome(input.cycleId, unit.id)]);
  // Every unit's execution goes through every window of the plan: another unit's window is nothing to tell.
  if (!facts || facts.window.id !== input.windowId || facts.sample?.status !== 'drawn') return { status: 'not-needed' as const };
  const { group, window } = facts;
  const glance = glanceOf(ctx, loaded, facts);
  const byPosition = new Map(facts.results.map((r) => [r.position, r]));
  const mail = inspectionTemplates.inspectionResult(loaded.plan, unit, group, window, {
    communities: facts.sample.sample.map((c) => ({ position: c.position, name: c.name, passed: byPosition.get(c.position)?.passed ?? null, notes: byPosition.get(c.position)?.notes ?? '' })),
    score: glance.standing.score,
    inspection: outcomeInspection(glance),
    reviewOutcome: outcome?.outcome ?? null,
  }, ctx.clock.now());
  const status = await ctx.notifier.send({
    cycleId: input.cycleId, unitId: unit.id, kind: 'inspection-result', milestone: window.id, recipient: unit.office.email, contact: 'office',
    email: { from: fromAddress(loaded.plan), to: unit.office.email, cc: [unit.leader.email], ...mail },
  });
  return { status };
}
