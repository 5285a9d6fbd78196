/**
 * 上报确认 and 通报表扬: the running office (plan.city) signs off the qualifying list before it goes up to the
 * superior (plan.province), and commends model units.
 *
 * Primary course of the sign-off (the YearlyCycle, workflows/yearly-cycle/chain.ts):
 * 1. At `schedule.confirmation.requestAt` (`forwardToProvince.confirmationDaysBefore` days before the forwarding
 *    day) the office is asked to confirm the list: `requestListConfirmation` mails it, once (the ledger).
 * 2. The office confirms on the portal (`confirmForwarding`): the list as the recorded outcomes have it at that
 *    moment, written once (conditional put), audited once, then passed on to the waiting task.
 * 3. The execution waits as every wait does (workflows/README.md "One source of truth"): Prepare reads the record
 *    (`prepareConfirmationWait`), Await stores its token then reads the record again (`awaitListConfirmation`),
 *    a timeout of at most a day goes back to Prepare. Confirmed: the list goes at the forwarding instant, or at
 *    once if that has passed. Never before it.
 * 4. Not confirmed by the forwarding instant: Prepare sends the rungs that came due, each once
 *    (`schedule.confirmation.escalations`: the plan's `escalation.levels` timings from the sending morning after
 *    the forwarding day; rung 1 to the office's leader, `city.leaderEmail`, every later rung a reminder to the
 *    office with the leader in copy). Nothing goes up unconfirmed. The wait gives up a day before the
 *    execution's one-year limit (`GIVE_UP_AFTER_MS` from its start): the cycle closes with nothing forwarded.
 *
 * What can still change after a confirmation: nothing that is on the list. A list is confirmed only once every
 * unit has its outcome; outcomes are written once (first wins), and a unit with an outcome takes no decision,
 * no new version of the reviewed report and no extension (ReviewClosedError). So the list ForwardToProvince
 * reads from the outcomes is the confirmed one; `forwardingView` shows both, and they are compared in tests.
 * An extension granted before the outcome can move that unit's review, and with it when the list can be
 * confirmed, but not the list's content once confirmed.
 *
 * The office does not edit the list: it is the outcomes. It confirms it, with an optional note kept beside it.
 */
import { createHash } from 'node:crypto';
import { ListNotFinalError, ValidationError } from '../errors';
import type { ListConfirmation } from '../model';
import { fromAddress, templates } from '../notifier/templates';
import type { Unit } from '../plan/schema';
import { formatBeijing } from '../time';
import { makeProblem } from '../validation';
import type { Context, LoadedPlan } from './context';
import { RECHECK_SECONDS } from './review-record';
import { beijing, unitInfo } from './view-parts';
import { inspectionStandings, qualifiesForList } from './inspection-results';

/** AWS ends a Standard execution after a year (365 days): the wait gives up a day before, so the cycle still closes. */
export const GIVE_UP_AFTER_MS = 364 * 86_400_000;

/**
 * The list as the record has it now: every unit qualified, not qualified, or still without an outcome. The
 * same rule as the forwarding's (./inspection-results.ts qualifiesForList: the review's outcome, then the
 * cross-inspection), so the list the office confirms is the list that goes up.
 */
export async function currentList(ctx: Context, loaded: LoadedPlan) {
  const outcomes = new Map((await ctx.repo.listOutcomes(loaded.plan.cycleId)).map((o) => [o.unitId, o.outcome]));
  const standings = await inspectionStandings(ctx, loaded.plan.cycleId);
  const list = { qualified: [] as Unit[], notQualified: [] as Unit[], pending: [] as Unit[] };
  for (const u of loaded.plan.units) {
    const o = outcomes.get(u.id);
    const listed = qualifiesForList(o, standings.get(u.id)?.standing);
    (o === undefined ? list.pending : listed ? list.qualified : list.notQualified).push(loaded.units.get(u.id)!);
  }
  return list;
}

/** RequestListConfirmation: the request to the office, once; nothing if the list is already confirmed. */
export async function requestListConfirmation(ctx: Context, input: { cycleId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  if (await ctx.repo.getListConfirmation(input.cycleId)) return { status: 'not-needed' as const };
  const { plan, schedule } = loaded;
  const mail = templates.listConfirmation(plan, await currentList(ctx, loaded), schedule.forwardAt, ctx.clock.now());
  const cc = plan.city.leaderEmail && plan.city.leaderEmail !== plan.city.email ? [plan.city.leaderEmail] : [];
  const status = await ctx.notifier.send({
    cycleId: input.cycleId, unitId: null, kind: 'confirmation-request', milestone: 'forwarding', recipient: plan.city.email,
    email: { from: fromAddress(plan), to: plan.city.email, cc, ...mail },
  });
  return { status };
}

/** The rungs of the ladder due by now, each sent once (the ledger): rung 1 to the leader, later ones to the office. */
async function escalateUnconfirmed(ctx: Context, loaded: LoadedPlan, now: number): Promise<number> {
  const { plan, schedule } = loaded;
  const leader = plan.city.leaderEmail ?? plan.city.email;
  let sent = 0;
  for (const rung of schedule.confirmation.escalations) {
    if (Date.parse(rung.at) > now) break;
    const toLeader = rung.level === 1;
    const to = toLeader ? leader : plan.city.email;
    const other = toLeader ? plan.city.email : leader;
    const mail = templates.listConfirmation(plan, await currentList(ctx, loaded), schedule.forwardAt, now, { level: rung.level, toLeader });
    const r = await ctx.notifier.send({
      cycleId: plan.cycleId, unitId: null, kind: 'confirmation-escalation', milestone: `L${rung.level}`, recipient: to,
      email: { from: fromAddress(plan), to, cc: other !== to ? [other] : [], ...mail },
    });
    if (r === 'sent') sent++;
  }
  return sent;
}

/**
 * PrepareConfirmationWait: reads the record; unconfirmed past the forwarding instant, sends the rungs that came
 * due first. The callback's timeout ends at the next rung, a day from now or the give-up instant, whichever
 * comes first; `expired` only when the give-up instant passed with nothing confirmed.
 */
export async function prepareConfirmationWait(ctx: Context, input: { cycleId: string; startedAt: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const now = ctx.clock.now();
  if (await ctx.repo.getListConfirmation(input.cycleId)) return { confirmed: true, expired: false, escalated: 0, timeoutSeconds: 1 };
  const escalated = await escalateUnconfirmed(ctx, loaded, now);
  const giveUpAt = Date.parse(input.startedAt) + GIVE_UP_AFTER_MS;
  // A confirmation written in between (after the read above) is seen by Await's own read: nothing is lost.
  const next = loaded.schedule.confirmation.escalations.map((e) => Date.parse(e.at)).find((t) => t > now);
  const until = Math.min(now + RECHECK_SECONDS * 1000, next ?? Infinity, giveUpAt);
  return { confirmed: false, expired: now >= giveUpAt, escalated, timeoutSeconds: Math.max(1, Math.ceil((until - now) / 1000)) };
}

/** AwaitListConfirmation: stores the token, then reads the record; completes its own token if it is confirmed. */
export async function awaitListConfirmation(ctx: Context, input: { cycleId: string; taskToken: string }) {
  await ctx.repo.putConfirmationWait({ cycleId: input.cycleId, token: input.taskToken, storedAt: ctx.nowIso() });
  const confirmed = await ctx.repo.getListConfirmation(input.cycleId);
  if (confirmed) await ctx.workflow.completeCycleTask(input.taskToken, { confirmedAt: confirmed.confirmedAt });
  return { waiting: !confirmed };
}

const names = (loaded: LoadedPlan, ids: string[]) => ids.map((id) => unitInfo(loaded.units.get(id)!));

function confirmationView(loaded: LoadedPlan, c: ListConfirmation) {
  return {
    confirmedBy: c.confirmedBy,
    confirmedAt: beijing(c.confirmedAt),
    note: c.note ?? null,
    qualified: names(loaded, c.qualified),
    notQualified: names(loaded, c.notQualified),
  };
}

/** GET .../forwarding: the list awaiting confirmation, its state, who confirmed it and when, and whether it went. */
export async function forwardingView(ctx: Context, input: { cycleId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const [list, confirmation, forwarding, cycle, ledger] = await Promise.all([
    currentList(ctx, loaded),
    ctx.repo.getListConfirmation(input.cycleId),
    ctx.repo.getForwarding(input.cycleId),
    ctx.repo.getCycle(input.cycleId),
    ctx.repo.listMessages(input.cycleId),
  ]);
  const { schedule } = loaded;
  const now = ctx.clock.now();
  // The forwarding record is written when the documents are made (GenerateYearDocuments), minutes before the
  // mail: the list has gone only once ForwardToProvince moved the cycle on (forwarded, then closed).
  const state = forwarding && (cycle?.status === 'forwarded' || cycle?.status === 'closed')
    ? ('forwarded' as const)
    : confirmation
      ? ('confirmed' as const)
      : cycle?.status === 'closed'
        ? ('not-forwarded' as const)
        : now < Date.parse(schedule.confirmation.requestAt)
          ? ('not-yet-requested' as const)
          : now < Date.parse(schedule.forwardAt)
            ? ('awaiting-confirmation' as const)
            : ('overdue' as const);
  const sent = (kind: string) => ledger.filter((m) => m.unitId === null && m.kind === kind && m.status === 'sent');
  return {
    cycleId: input.cycleId,
    state,
    requestAt: beijing(schedule.confirmation.requestAt),
    forwardAt: beijing(schedule.forwardAt),
    superior: { name: loaded.plan.province.name, shortName: loaded.plan.province.shortName, shortNameEn: loaded.plan.province.shortNameEn },
    /** The list as the outcomes have it now; `pending` must be empty before it can be confirmed. */
    list: { qualified: list.qualified.map(unitInfo), notQualified: list.notQualified.map(unitInfo), pending: list.pending.map(unitInfo) },
    confirmable: !confirmation && !forwarding && list.pending.length === 0 && cycle?.status !== 'closed',
    confirmation: confirmation ? confirmationView(loaded, confirmation) : null,
    forwarded: forwarding && state === 'forwarded'
      ? { at: beijing(forwarding.forwardedAt), qualified: names(loaded, forwarding.qualified), notQualified: names(loaded, forwarding.notQualified) }
      : null,
    escalations: sent('confirmation-escalation').map((m) => ({ milestone: m.milestone, to: m.to ?? m.recipient, sentAt: m.sentAt ? beijing(m.sentAt) : null })),
  };
}

/**
 * PUT .../forwarding/confirmation. Primary course: the list now (refused with a 409 while a unit has no outcome,
 * or once the cycle closed without it) -> the confirmation written once (a conditional put: of two offices'
 * users confirming at once, one writes, the other gets the same confirmation back) -> the audit entry, once
 * (keyed) -> the waiting task told, before answering anything. The same confirmation again redoes the audit
 * and the telling, both idempotent: a crash between the steps loses nothing.
 */
export async function confirmForwarding(ctx: Context, input: { cycleId: string; confirmedBy: string; note?: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  let stored = await ctx.repo.getListConfirmation(input.cycleId);
  let recorded = false;
  if (!stored) {
    const cycle = await ctx.repo.getCycle(input.cycleId);
    if (cycle?.status === 'closed') {
      throw new ListNotFinalError(
        { zh: `本周期已于 ${formatBeijing(cycle.closedAt ?? ctx.nowIso(), 'datetime', 'zh')} 结束，名单未上报，不能再确认`, en: `the cycle closed on ${formatBeijing(cycle.closedAt ?? ctx.nowIso(), 'datetime', 'en')} without the list going up; it can no longer be confirmed` },
        { status: cycle.status },
      );
    }
    const list = await currentList(ctx, loaded);
    if (list.pending.length) {
      const closes = loaded.schedule.review.closesAt;
      throw new ListNotFinalError(
        {
          zh: `尚有${list.pending.length}个单位没有初评结果（${list.pending.map((u) => u.name).join('、')}），名单未确认；初评于 ${formatBeijing(closes, 'datetime', 'zh')} 截止，届时全部产生结果`,
          en: `${list.pending.length} unit(s) have no outcome yet (${list.pending.map((u) => u.nameEn ?? u.name).join(', ')}); the list was not confirmed. The review closes on ${formatBeijing(closes, 'datetime', 'en')}, when every unit has one`,
        },
        { pending: list.pending.map((u) => u.id), reviewClosesAt: closes },
      );
    }
    const note = input.note?.trim() || undefined;
    const r = await ctx.repo.recordListConfirmation({
      cycleId: input.cycleId, qualified: list.qualified.map((u) => u.id), notQualified: list.notQualified.map((u) => u.id),
      confirmedBy: input.confirmedBy, confirmedAt: ctx.nowIso(), ...(note ? { note } : {}),
    });
    stored = r.confirmation;
    recorded = r.recorded;
  }
  await ctx.repo.appendAudit({
    cycleId: input.cycleId, unitId: null, at: stored.confirmedAt, actor: stored.confirmedBy, role: 'city', action: 'confirm-forwarding',
    what: { qualified: stored.qualified, notQualified: stored.notQualified }, why: stored.note, key: 'confirm-forwarding',
  });
  const waiting = await ctx.repo.getConfirmationWait(input.cycleId);
  const workflow = await tellWorkflowOfCycle(ctx, waiting?.token ?? null, { confirmedAt: stored.confirmedAt });
  return { recorded, confirmation: confirmationView(loaded, stored), workflow };
}

/** As tellWorkflow, for the YearlyCycle's task: best effort, the wait reads the record again within a day. */
async function tellWorkflowOfCycle(ctx: Context, token: string | null, output: unknown) {
  if (!token) return 'will-follow' as const;
  try {
    return (await ctx.workflow.completeCycleTask(token, output)) === 'completed' ? ('continued' as const) : ('task-already-closed' as const);
  } catch {
    return 'will-follow' as const;
  }
}

/** A commendation's id: the hash of its units (sorted) and text, so the same commendation is issued once. */
export const commendationIdOf = (units: readonly string[], text: string) =>
  createHash('sha256').update(`commendation\n${[...units].sort().join(',')}\n${text}`).digest('hex').slice(0, 32);

/**
 * POST .../commendations: 通报表扬 for chosen qualified units. Primary course: every unit must have the outcome
 * `qualified` (else nothing is issued, a 400 naming each unit) -> one audit entry per unit (keyed by the
 * commendation) -> an email to each unit's office, its leader in copy, once (the ledger): it is then listed in
 * the unit's messages. The same units and text again issue nothing new.
 */
export async function commendUnits(ctx: Context, input: { cycleId: string; units: string[]; text: string; issuedBy: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const text = input.text.trim();
  const ids = [...new Set(input.units)];
  const outcomes = new Map((await ctx.repo.listOutcomes(input.cycleId)).map((o) => [o.unitId, o.outcome]));
  // Only units on the list: a unit its cross-inspection keeps off (a failed veto item) is not commended either.
  const onList = new Set((await currentList(ctx, loaded)).qualified.map((u) => u.id));
  const problems = input.units.flatMap((id, i) =>
    !loaded.units.has(id)
      ? [makeProblem(['units', i], 'unit.unknown', { zh: `本周期没有单位 ${id}`, en: `the cycle has no unit ${id}` })]
      : !onList.has(id)
        ? [makeProblem(['units', i], 'unit.not-qualified', {
            zh: `${loaded.units.get(id)!.name}的初评结果不是“合格”（${outcomes.get(id) ?? '尚无结果'}），不能通报表扬`,
            en: `${loaded.units.get(id)!.nameEn ?? id} has not qualified (${outcomes.get(id) ?? 'no outcome yet'}); only qualified units are commended`,
          })]
        : [],
  );
  if (!text) problems.push(makeProblem('text', 'required', { zh: '通报表扬须有内容', en: 'a commendation needs its text' }));
  if (problems.length) throw new ValidationError(problems, { zh: '通报表扬未发出', en: 'no commendation was issued' });
  const commendationId = commendationIdOf(ids, text);
  const at = ctx.nowIso();
  const issued = [];
  for (const id of ids) {
    const unit = ctx.unitOf(loaded, id);
    await ctx.repo.appendAudit({
      cycleId: input.cycleId, unitId: id, at, actor: input.issuedBy, role: 'city', action: 'commend',
      what: { commendationId, units: ids, text }, key: `commend#${commendationId}#${id}`,
    });
    const notice = await ctx.notifier.send({
      cycleId: input.cycleId, unitId: id, kind: 'commendation', milestone: commendationId, recipient: unit.office.email,
      email: { from: fromAddress(loaded.plan), to: unit.office.email, cc: [unit.leader.email], ...templates.commendation(loaded.plan, unit, text, ctx.clock.now()) },
    });
    issued.push({ unit: unitInfo(unit), notice });
  }
  return { commendationId, text, issued: issued.some((i) => i.notice !== 'already-sent'), units: issued };
}
