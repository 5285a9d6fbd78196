/**
 * Scripted behaviour of the people in a cycle, for the simulator: which county submits on time, late or
 * never; how the city decides each review round; who rectifies in time. A scenario compiles, with the
 * plan's schedule, into actions at absolute instants, which the simulator plays on the twin's clock
 * through the same use cases the HTTP API will expose.
 */
import { isRosterDeliverable } from '../core/plan/roster-deliverable';
import { readFile } from 'node:fs/promises';
import * as z from 'zod/mini';
import { localDate, type Plan } from '../core/plan/schema';
import { deriveSchedule } from '../core/plan/schedule';
import type { Schedule } from '../core/plan/schedule-schema';
import { extendedLastDays, type Context } from '../core/use-cases/context';
import { grantExtension } from '../core/use-cases/extensions';
import { commendUnits, confirmForwarding } from '../core/use-cases/forwarding';
import { decideReview } from '../core/use-cases/review';
import { registerRoster } from '../core/use-cases/rosters';
import { recordInspectionResult, recordInspectionScore } from '../core/use-cases/inspection-results';
import { inspectionOf } from '../core/plan/validate-inspection';
import { submitDeliverable } from '../core/use-cases/submissions';
import type { SelfAssessmentInput } from '../core/self-assessment';
import { ValidationError } from '../core/errors';
import { localDateOf } from '../core/time';
import { formatProblems, makeProblem, problemsFromIssues, type Problem } from '../core/validation';

const DAY = 86_400_000;

/** When a county submits, relative to the deliverable's deadline (its last on-time second), or never. */
const timing = z.union([
  z.literal('never'),
  z.strictObject({ daysBeforeDue: z.number().check(z.gte(0)) }),
  z.strictObject({ daysAfterDue: z.number().check(z.gt(0)) }),
]);

const review = z.strictObject({
  decision: z.enum(['approved', 'returned']),
  /** Days after the round can be decided (review opening, or the resubmission). */
  afterDays: z.number().check(z.gte(0)),
  reason: z.optional(z.string().check(z.maxLength(500))),
});

/** A resubmission after a rectification notice, `afterDays` after the notice, or never. */
const resubmission = z.union([z.literal('never'), z.strictObject({ afterDays: z.number().check(z.gte(0)) })]);

/** The city grants an extension (延期) at an absolute instant, e.g. `"at": "2016-11-03T15:00:00+08:00"`. */
const extension = z.strictObject({
  deliverableId: z.string(),
  at: z.string().check(z.refine((s) => /T\d{2}:\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), { message: 'datetime' })),
  /** The new last day, YYYY-MM-DD in Beijing. */
  lastDay: localDate,
  reason: z.string().check(z.minLength(1), z.maxLength(500)),
});

const behaviour = z.strictObject({
  /** Per deliverable id; "*" is the default for every deliverable. */
  submissions: z.optional(z.record(z.string(), timing)),
  reviews: z.optional(z.array(review)),
  resubmissions: z.optional(z.array(resubmission)),
  /** Extensions the city grants this unit; its submission timings then count from the extended deadlines. */
  extensions: z.optional(z.array(extension)),
  /**
   * The unit registers its roster (社区/村名单, issue 10) at this instant: `communities` communities named as
   * exampleSelfAssessment names them (第1社区…), all taking part; "never": it registers none.
   */
  roster: z.optional(
    z.union([
      z.literal('never'),
      z.strictObject({
        at: z.string().check(z.refine((s) => /T\d{2}:\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), { message: 'datetime' })),
        communities: z.int().check(z.gte(0), z.lte(600)),
      }),
    ]),
  ),
  /**
   * The inspection group's findings, recorded by the city office at this instant (issue 10 item 4; inside the
   * unit's window, after its draw): every sampled community passes but the first `failing` (by position), and the
   * score sheet has every item at its maximum, the veto item passed, or failed with `vetoFailed` as its reason.
   */
  inspection: z.optional(
    z.strictObject({
      at: z.string().check(z.refine((s) => /T\d{2}:\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), { message: 'datetime' })),
      failing: z._default(z.int().check(z.gte(0), z.lte(600)), 0),
      vetoFailed: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
    }),
  ),
});

const instantString = z.string().check(z.refine((s) => /T\d{2}:\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), { message: 'datetime' }));

export const scenarioSchema = z.strictObject({
  description: z.optional(z.string()),
  default: behaviour,
  units: z._default(z.record(z.string(), behaviour), {}),
  /**
   * 上报确认: when the city office confirms the qualifying list (the list goes up only once it is confirmed), or
   * "never" (the list is not confirmed: it climbs the ladder and nothing goes up). Absent: never.
   */
  confirmation: z.optional(z.union([z.literal('never'), z.strictObject({ at: instantString, note: z.optional(z.string().check(z.maxLength(500))) })])),
  /** 通报表扬 the city office issues, each at its instant, for qualified units. */
  commendations: z.optional(z.array(z.strictObject({ at: instantString, units: z.array(z.string()).check(z.minLength(1)), text: z.string().check(z.minLength(1), z.maxLength(2000)) }))),
});

export type Scenario = z.infer<typeof scenarioSchema>;
type Behaviour = z.infer<typeof behaviour>;

export type Action =
  | { at: number; kind: 'submit'; unitId: string; deliverableId: string; note: string }
  | { at: number; kind: 'decide'; unitId: string; round: number; outcome: 'approved' | 'returned'; reason?: string }
  | { at: number; kind: 'extend'; unitId: string; deliverableId: string; lastDay: string; reason: string }
  | { at: number; kind: 'register-roster'; unitId: string; communities: number }
  | { at: number; kind: 'confirm'; unitId: null; note?: string }
  | { at: number; kind: 'commend'; unitId: null; units: string[]; text: string }
  | { at: number; kind: 'record-inspection'; unitId: string; failing: number; vetoFailed?: string };

/**
 * A scenario that cannot be played: every problem with its path into the file and its rule, zh-CN first and
 * English (the message carries both, so whoever prints it shows them; no stack trace is needed).
 */
export class ScenarioError extends ValidationError {
  override readonly name = 'ScenarioError';
  constructor(
    readonly file: string | null,
    problems: Problem[],
  ) {
    super(problems, { zh: `场景有误${file ? `：${file}` : ''}`, en: `the scenario is invalid${file ? `: ${file}` : ''}` });
    this.message = `${this.text.zh} / ${this.text.en}\n${formatProblems(problems, 'both')}`;
  }
}

/**
 * The scenario's shape, then, with the plan, what it names: units and deliverables of the plan (an unknown
 * deliverable was silently never submitted), and extensions the city could grant (a later last day, not
 * after the review's last day, granted before the review closes), the rules grantExtension applies.
 */
export function validateScenario(raw: unknown, plan?: Plan): { ok: true; scenario: Scenario } | { ok: false; problems: Problem[] } {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: problemsFromIssues(parsed.error.issues, raw) };
  const problems = plan ? scenarioAgainstPlan(parsed.data, plan) : [];
  return problems.length ? { ok: false, problems } : { ok: true, scenario: parsed.data };
}

function scenarioAgainstPlan(scenario: Scenario, plan: Plan): Problem[] {
  const problems: Problem[] = [];
  const schedule = deriveSchedule(plan);
  const slots = new Map(schedule.phases.flatMap((p) => p.deliverables).map((d) => [d.deliverableId, d.lastDay]));
  const ids = [...slots.keys()];
  const reviewLastDay = localDateOf(schedule.review.closesAt);
  const unknownDeliverable = (path: PropertyKey[], id: string) =>
    problems.push(
      makeProblem(path, 'unknown-deliverable', {
        zh: `计划中没有报送材料“${id}”，应为 ${ids.join('、')} 之一${path.includes('submissions') ? '，或 "*"（全部）' : ''}`,
        en: `the plan has no deliverable "${id}"; expected one of ${ids.join(', ')}${path.includes('submissions') ? ', or "*" (every one)' : ''}`,
      }),
    );
  const behaviourRules = (b: Behaviour, base: PropertyKey[]) => {
    for (const id of Object.keys(b.submissions ?? {})) if (id !== '*' && !slots.has(id)) unknownDeliverable([...base, 'submissions', id], id);
    const lastDays = new Map(slots);
    (b.extensions ?? []).forEach((x, i) => {
      const at = [...base, 'extensions', i];
      if (!slots.has(x.deliverableId)) return unknownDeliverable([...at, 'deliverableId'], x.deliverableId);
      const current = lastDays.get(x.deliverableId)!;
      if (x.lastDay <= current) {
        problems.push(makeProblem([...at, 'lastDay'], 'not-later', { zh: `应晚于现行截止日 ${current}`, en: `must be after the current last day, ${current}` }));
      } else if (x.lastDay > reviewLastDay) {
        problems.push(makeProblem([...at, 'lastDay'], 'after-review', { zh: `不能晚于初评结束日 ${reviewLastDay}`, en: `must not be after the review's last day, ${reviewLastDay}` }));
      } else {
        lastDays.set(x.deliverableId, x.lastDay);
      }
      if (Date.parse(x.at) > Date.parse(schedule.review.closesAt)) {
        problems.push(
          makeProblem([...at, 'at'], 'review-closed', { zh: `初评阶段已于 ${reviewLastDay} 结束，之后不能再延期`, en: `the preliminary review closes on ${reviewLastDay}; no extension can be granted after it` }),
        );
      }
    });
    const rounds = b.reviews?.length ?? 0;
    if (rounds > plan.review.maxRounds) {
      problems.push(
        makeProblem([...base, 'reviews'], 'too-many-rounds', {
          zh: `计划最多进行 ${plan.review.maxRounds} 轮初评，此处写了 ${rounds} 轮`,
          en: `the plan allows at most ${plan.review.maxRounds} review rounds; this names ${rounds}`,
        }),
      );
    }
  };
  behaviourRules(scenario.default, ['default']);
  for (const [id, b] of Object.entries(scenario.units)) {
    if (!plan.units.some((u) => u.id === id)) {
      const sample = plan.units.slice(0, 5).map((u) => u.id);
      const more = plan.units.length > 5 ? '…' : '';
      problems.push(
        makeProblem(['units', id], 'unknown-unit', {
          zh: `计划中没有单位“${id}”（计划中的单位如 ${sample.join('、')}${more}）`,
          en: `the plan has no unit "${id}" (its units are such as ${sample.join(', ')}${more})`,
        }),
      );
    } else {
      behaviourRules(b, ['units', id]);
    }
  }
  return problems;
}

/** Reads, parses and validates a scenario file (against the plan when given); a ScenarioError names every problem. */
export async function loadScenario(path: string, plan?: Plan): Promise<Scenario> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const problem =
      err instanceof SyntaxError
        ? makeProblem('', 'json', { zh: `不是有效的 JSON：${err.message}`, en: `not valid JSON: ${err.message}` })
        : makeProblem('', 'file', { zh: `无法读取文件（${err.code ?? err.message}）`, en: `cannot read the file (${err.code ?? err.message})` });
    throw new ScenarioError(path, [problem]);
  }
  const checked = validateScenario(raw, plan);
  if (!checked.ok) throw new ScenarioError(path, checked.problems);
  return checked.scenario;
}

/** Every unit submits everything two days early and the city approves after a day: the default for generated plans. */
export const allGoodScenario: Scenario = {
  description: 'every unit submits two days before each deadline; the city approves each review a day after it opens',
  default: { submissions: { '*': { daysBeforeDue: 2 } }, reviews: [{ decision: 'approved', afterDays: 1 }] },
  units: {},
};

/**
 * Compiles the scenario into actions. What the plan does not have (a unit, a deliverable) or would refuse (an
 * extension) is a ScenarioError naming each problem (see validateScenario).
 * The review chain is computed up front: round 1 is decided `afterDays` after the later of the review's
 * opening and the submission; a returned round is resubmitted `afterDays` after the decision (the
 * rectification notice goes out at the decision), and the next round is decided after that. A unit's
 * extensions become 'extend' actions at their instants, and its timings count from its extended deadlines.
 */
export function compileScenario(scenario: Scenario, plan: Plan, schedule: Schedule): Action[] {
  const problems = scenarioAgainstPlan(scenario, plan);
  if (problems.length) throw new ScenarioError(null, problems);
  const actions: Action[] = [];
  for (const unit of plan.units) {
    const own: Behaviour = scenario.units[unit.id] ?? {};
    const extensions = own.extensions ?? scenario.default.extensions ?? [];
    for (const x of extensions) {
      actions.push({ at: Date.parse(x.at), kind: 'extend', unitId: unit.id, deliverableId: x.deliverableId, lastDay: x.lastDay, reason: x.reason });
    }
    const roster = own.roster ?? scenario.default.roster ?? 'never';
    if (roster !== 'never') actions.push({ at: Date.parse(roster.at), kind: 'register-roster', unitId: unit.id, communities: roster.communities });
    const inspection = own.inspection ?? scenario.default.inspection;
    if (inspection)
      actions.push({ at: Date.parse(inspection.at), kind: 'record-inspection', unitId: unit.id, failing: inspection.failing, ...(inspection.vetoFailed ? { vetoFailed: inspection.vetoFailed } : {}) });
    const granted = extensions.map((x) => ({ deliverableId: x.deliverableId, lastDay: x.lastDay, grantedAt: x.at }));
    const unitSchedule = granted.length ? deriveSchedule(plan, extendedLastDays(granted)) : schedule;
    const deliverables = unitSchedule.phases.flatMap((p) => p.deliverables);
    const pick = (id: string) => own.submissions?.[id] ?? own.submissions?.['*'] ?? scenario.default.submissions?.[id] ?? scenario.default.submissions?.['*'] ?? 'never';
    let reviewedAt: number | null = null;
    for (const d of deliverables) {
      // The roster registration is due like a deliverable but registered by its own action (`roster`), never submitted.
      if (isRosterDeliverable(d.deliverableId)) continue;
      const t = pick(d.deliverableId);
      if (t === 'never') continue;
      const due = Date.parse(d.dueAt);
      // "2 days before" a 23:59:59 deadline: 10:00 Beijing on that day, an office hour.
      const day = 'daysBeforeDue' in t ? -t.daysBeforeDue : t.daysAfterDue;
      const at = due - (due % DAY) + day * DAY + 2 * 3_600_000; // 02:00Z = 10:00 Beijing
      const note = 'daysBeforeDue' in t ? `${t.daysBeforeDue} day(s) before the deadline` : `${t.daysAfterDue} day(s) late`;
      actions.push({ at, kind: 'submit', unitId: unit.id, deliverableId: d.deliverableId, note });
      if (d.deliverableId === schedule.review.deliverableId) reviewedAt = at;
    }
    if (reviewedAt === null) continue;
    const reviews = own.reviews ?? scenario.default.reviews ?? [];
    const resubs = own.resubmissions ?? scenario.default.resubmissions ?? [];
    let ready = Math.max(reviewedAt, Date.parse(unitSchedule.review.opensAt));
    for (let round = 1; round <= reviews.length; round++) {
      const r = reviews[round - 1];
      const decidedAt = ready + r.afterDays * DAY + 60_000;
      actions.push({ at: decidedAt, kind: 'decide', unitId: unit.id, round, outcome: r.decision, reason: r.reason });
      if (r.decision === 'approved') break;
      const resub = resubs[round - 1] ?? 'never';
      if (resub === 'never') break;
      const at = decidedAt + resub.afterDays * DAY;
      actions.push({ at, kind: 'submit', unitId: unit.id, deliverableId: schedule.review.deliverableId, note: `resubmission after rectification round ${round}` });
      ready = at;
    }
  }
  if (scenario.confirmation && scenario.confirmation !== 'never') {
    actions.push({ at: Date.parse(scenario.confirmation.at), kind: 'confirm', unitId: null, note: scenario.confirmation.note });
  }
  for (const c of scenario.commendations ?? []) actions.push({ at: Date.parse(c.at), kind: 'commend', unitId: null, units: c.units, text: c.text });
  return actions.sort((a, b) => a.at - b.at);
}

/**
 * A self-assessment a diligent unit would send (本单位: a county or a street office alike): every standard
 * item at its maximum, and a roster of `communities` communities, all created and qualified (the targets are met).
 */
export function exampleSelfAssessment(plan: Plan, communities = 12): SelfAssessmentInput {
  return {
    narrative: '本单位按照创建工作方案，完成了动员部署、实施推广和自查自评各阶段工作。',
    scores: plan.rubric.items.filter((i) => i.kind === 'standard').map((i) => ({ itemId: i.id, score: i.maxPoints, evidence: [] })),
    roster: Array.from({ length: communities }, (_, i) => ({ name: `第${i + 1}社区`, created: true, qualified: true })),
  };
}

/**
 * The city's scores on an approval (the 考核评分表 the year's documents print): full marks but for a few points
 * off one item, how many and which depending on the unit, so the simulated units rank apart.
 */
export function exampleCityScores(plan: Plan, unitId: string): Array<{ itemId: string; score: number; reason?: string }> {
  const standard = plan.rubric.items.filter((i) => i.kind === 'standard');
  const h = [...unitId].reduce((n, c) => (n * 31 + c.charCodeAt(0)) >>> 0, 7);
  const off = standard[h % standard.length];
  const points = Math.min(off.maxPoints, 1 + (h % 4));
  return standard.map((i) => (i === off ? { itemId: i.id, score: i.maxPoints - points, reason: `${i.title}：佐证材料不全（模拟）` } : { itemId: i.id, score: i.maxPoints }));
}

/** Plays one action through the same use cases the HTTP API exposes. */
export async function performAction(ctx: Context, cycleId: string, a: Action): Promise<void> {
  if (a.kind === 'submit') {
    const loaded = await ctx.loadPlan(cycleId);
    const reviewed = a.deliverableId === loaded.schedule.review.deliverableId;
    await submitDeliverable(ctx, {
      cycleId, unitId: a.unitId, deliverableId: a.deliverableId, submittedBy: `${a.unitId}-staff`,
      ...(reviewed ? { selfAssessment: exampleSelfAssessment(loaded.plan) } : {}),
    });
  } else if (a.kind === 'register-roster') {
    const communities = exampleSelfAssessment(await ctx.loadPlan(cycleId).then((l) => l.plan), a.communities).roster.map((r) => ({
      name: r.name, kind: 'community' as const, takingPart: true, contact: { name: `${r.name}联系人`, telephone: '0571-8770-3001' },
    }));
    const current = await ctx.repo.getRoster(cycleId, a.unitId);
    await registerRoster(ctx, { cycleId, unitId: a.unitId, version: current?.version ?? 0, communities, registeredBy: `${a.unitId}-staff` });
  } else if (a.kind === 'confirm') {
    await confirmForwarding(ctx, { cycleId, confirmedBy: 'city-reviewer', note: a.note });
  } else if (a.kind === 'commend') {
    await commendUnits(ctx, { cycleId, units: a.units, text: a.text, issuedBy: 'city-reviewer' });
  } else if (a.kind === 'record-inspection') {
    await recordScriptedInspection(ctx, cycleId, a);
  } else if (a.kind === 'extend') {
    await grantExtension(ctx, { cycleId, unitId: a.unitId, deliverableId: a.deliverableId, lastDay: a.lastDay, reason: a.reason, grantedBy: 'city-reviewer' });
  } else {
    const scores = a.outcome === 'approved' ? { scores: exampleCityScores((await ctx.loadPlan(cycleId)).plan, a.unitId) } : {};
    await decideReview(ctx, { cycleId, unitId: a.unitId, round: a.round, outcome: a.outcome, reason: a.reason, decidedBy: 'city-reviewer', ...scores });
  }
}

/**
 * The scripted findings of a unit's inspection, through the use cases the API exposes (as the city office would
 * record them on the group's behalf). Each write names the version it finds, so a replay stores nothing new.
 */
async function recordScriptedInspection(ctx: Context, cycleId: string, a: Extract<Action, { kind: 'record-inspection' }>): Promise<void> {
  const { plan } = await ctx.loadPlan(cycleId);
  const found = inspectionOf(plan, a.unitId);
  if (!found) return;
  const windowId = found.window.id;
  const sample = await ctx.repo.getSample(cycleId, a.unitId, windowId);
  if (sample?.status === 'drawn') {
    const recorded = new Map((await ctx.repo.listInspectionResults(cycleId, a.unitId, windowId)).map((r) => [r.position, r.version]));
    for (const c of sample.sample) {
      const passed = c.position > a.failing;
      await recordInspectionResult(ctx, {
        cycleId, unitId: a.unitId, windowId, version: recorded.get(c.position) ?? 0, community: c.name, passed,
        notes: passed ? '抽查合格（模拟）' : '出租房屋排查记录不全（模拟）', recordedBy: 'city-inspection',
      });
    }
  }
  const items = plan.rubric.items.map((i) =>
    i.kind === 'veto' ? { itemId: i.id, veto: a.vetoFailed ? ('failed' as const) : ('passed' as const), ...(a.vetoFailed ? { reason: a.vetoFailed } : {}) } : { itemId: i.id },
  );
  const current = await ctx.repo.getInspectionScore(cycleId, a.unitId, windowId);
  await recordInspectionScore(ctx, { cycleId, unitId: a.unitId, windowId, version: current?.version ?? 0, items, recordedBy: 'city-inspection' });
}
