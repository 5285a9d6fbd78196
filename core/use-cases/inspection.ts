/**
 * The inspection draw (抽样) in the workflow, and the recorded sample as the API shows it (issue 10).
 *
 * Primary course of drawInspectionSample (the UnitCycle's DrawInspectionSample task, at its window's draw
 * instant; it runs for every window of the plan, and only the unit's own window draws):
 *   1. not the unit's window: nothing ('not-inspected'); before the announced instant: refused (TransientError,
 *      so the state's Retry tries again): a sample is never drawn early;
 *   2. a recorded sample stands: a retry, a restart or a duplicate goes straight to step 5 with it; none recorded
 *      after the window's end (a restart that late): nothing is drawn or sent ('window-closed');
 *   3. the roster version registered at the announced instant (not one registered since: a retried draw hours
 *      later draws from the same published inputs) and the cycle's plan hash are the inputs
 *      (core/inspection/sample.ts); no roster by then: the record says nothing could be drawn ('no-roster');
 *   4. the sample is recorded once with its audit entry (conditional write; a concurrent draw that lost
 *      gets the recorded one): a roster changed afterwards never changes it, and nothing redraws it;
 *   5. an earlier failed attempt's record (reportDrawFailure, below) is marked resolved;
 *   6. the emails, through the notifier and its ledger (each once): the sample to every member of the group
 *      and to the unit's office; no roster: the running office is told.
 * A draw that fails after the task's retries goes to reportDrawFailure (the same function, ReportInspectionDrawFailure):
 * recorded, told once, tried again at the next attempt while the window is open (core/inspection/draw-retry.ts).
 */
import { NotFoundError, TransientError } from '../errors';
import { nextDrawAttempt } from '../inspection/draw-retry';
import type { InspectionDrawFailure, InspectionSample } from '../inspection/model';
import { drawSample } from '../inspection/sample';
import { inspectionTemplates, fromAddress } from '../notifier/templates';
import { drawInstant } from '../plan/schedule';
import type { InspectionWindow, Plan } from '../plan/schema';
import { dayEnd, toUtcInstant } from '../time';
import { inspectionOf } from '../plan/validate-inspection';
import type { Context } from './context';
import { beijing, unitInfo } from './view-parts';

/** `window-closed`: no sample was recorded before the window's end (a restart after it): nothing is drawn or sent so late. */
export type DrawStatus = 'drawn' | 'no-roster' | 'not-inspected' | 'window-closed';

/** The instant the window closes: the end of its last day (Beijing); no draw is retried after it. */
const windowEndsAt = (plan: Plan, window: InspectionWindow) => toUtcInstant(dayEnd(window.closes, plan.timeZone));

/**
 * The roster as registered at the announced draw instant: a retried draw (hours later) draws from the version the
 * published inputs name, not from one registered after the instant; none registered by then is `no-roster`.
 */
async function rosterAt(ctx: Context, cycleId: string, unitId: string, drawAt: string) {
  const head = await ctx.repo.getRoster(cycleId, unitId);
  if (!head || Date.parse(head.registeredAt) <= Date.parse(drawAt)) return head;
  const versions = await ctx.repo.listRosterVersions(cycleId, unitId);
  return versions.filter((v) => Date.parse(v.registeredAt) <= Date.parse(drawAt)).at(-1) ?? null;
}

export async function drawInspectionSample(ctx: Context, input: { cycleId: string; unitId: string; windowId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const { plan } = loaded;
  const unit = ctx.unitOf(loaded, input.unitId);
  const found = inspectionOf(plan, unit.id);
  if (!found || found.window.id !== input.windowId) return { status: 'not-inspected' as DrawStatus, recorded: false, sampled: 0, notices: [] as string[] };
  const { group, window } = found;
  const drawAt = drawInstant(plan, window.opens);
  const now = ctx.nowIso();
  if (ctx.clock.now() < Date.parse(drawAt))
    throw new TransientError({ zh: `抽样时间 ${drawAt} 未到，不得提前抽取`, en: `the draw instant ${drawAt} has not come: no sample is drawn before it` });

  let sample = await ctx.repo.getSample(input.cycleId, unit.id, window.id);
  let recorded = false;
  if (!sample && ctx.clock.now() > Date.parse(windowEndsAt(plan, window))) return { status: 'window-closed' as DrawStatus, recorded: false, sampled: 0, notices: [] as string[] };
  if (!sample) {
    const [roster, cycle] = await Promise.all([rosterAt(ctx, input.cycleId, unit.id, drawAt), ctx.repo.getCycle(input.cycleId)]);
    if (!cycle) throw new NotFoundError({ zh: `未找到周期 ${input.cycleId}`, en: `no cycle ${input.cycleId}` });
    const base = { cycleId: input.cycleId, unitId: unit.id, windowId: window.id, groupId: group.id, drawnAt: now, drawAt };
    const drawn: InspectionSample = roster
      ? (() => {
        const r = drawSample({ planSha256: cycle.planHash, unitId: unit.id, rosterVersion: roster.version, communities: roster.communities, drawAt, ratio: found.sampling });
        return { ...base, status: 'drawn', inputs: r.inputs, seed: r.seed, population: r.population, sample: r.sample };
      })()
      : { ...base, status: 'no-roster', inputs: null, seed: null, population: 0, sample: [] };
    const stored = await ctx.repo.recordSample(drawn, {
      cycleId: input.cycleId, unitId: unit.id, at: now, actor: 'system', role: 'system', action: 'draw-sample',
      what: {
        windowId: window.id, groupId: group.id, status: drawn.status, drawAt, seed: drawn.seed, rosterVersion: drawn.inputs?.rosterVersion ?? null,
        population: drawn.population, sample: drawn.sample.map((c) => c.name),
      },
      key: `draw-sample#${unit.id}#${window.id}`,
    });
    sample = stored.sample;
    recorded = stored.recorded;
  }
  // An attempt after failed ones recorded it (or found it recorded): the failure is over, the sample view and the
  // dashboard say so. Before the emails, which the ledger sends once whatever happens to this write.
  const failed = await ctx.repo.getDrawFailure(input.cycleId, unit.id, window.id);
  if (failed && !failed.resolvedAt) await ctx.repo.putDrawFailure({ ...failed, nextAttemptAt: null, resolvedAt: now });

  const from = fromAddress(plan);
  const nowMs = ctx.clock.now();
  const notices: string[] = [];
  if (sample.status === 'no-roster') {
    notices.push(
      await ctx.notifier.send({
        cycleId: input.cycleId, unitId: unit.id, kind: 'inspection-no-roster', milestone: window.id, recipient: plan.city.email,
        email: { from, to: plan.city.email, cc: [], ...inspectionTemplates.noRoster(plan, unit, group, window, drawAt, nowMs) },
      }),
    );
  } else {
    const recipients: Array<{ email: string; to: 'group' | 'unit' }> = [
      ...group.members.map((m) => ({ email: m.email, to: 'group' as const })),
      { email: unit.office.email, to: 'unit' },
    ];
    for (const r of recipients)
      notices.push(
        await ctx.notifier.send({
          cycleId: input.cycleId, unitId: unit.id, kind: 'inspection-sample', milestone: window.id, recipient: r.email,
          email: { from, to: r.email, cc: [], ...inspectionTemplates.sampleDrawn(plan, unit, group, window, sample, r.to, nowMs) },
        }),
      );
  }
  return { status: sample.status as DrawStatus, recorded, sampled: sample.sample.length, notices };
}

/**
 * ReportInspectionDrawFailure (the UnitCycle, after DrawInspectionSample failed its retries): records the failure,
 * tells the running office once, and answers when to try again (core/inspection/draw-retry.ts).
 *   1. not the unit's window: nothing to retry;
 *   2. the sample is recorded (only its emails failed): no failure to report; the retry sends the emails (the
 *      ledger sends each once), as long as attempts are left;
 *   3. the failure is stored (the first failure's instant kept, the last error, the next attempt) and audited once;
 *   4. an attempt is left: the office is told once that the draw failed and will be retried ('inspection-draw-failed');
 *      none (the window closed): the office is told once that the unit could not be drawn ('inspection-draw-gave-up').
 * A restarted execution draws at once (its wait's instant passed) and, failing again, finds the same record and the
 * same ledger entries: nothing is sent twice.
 */
export async function reportDrawFailure(ctx: Context, input: { cycleId: string; unitId: string; windowId: string; error: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const { plan } = loaded;
  const unit = ctx.unitOf(loaded, input.unitId);
  const found = inspectionOf(plan, unit.id);
  if (!found || found.window.id !== input.windowId) return { giveUp: true, retryAt: null, notice: 'not-needed' as const };
  const { group, window } = found;
  const drawAt = drawInstant(plan, window.opens);
  const nowMs = ctx.clock.now();
  const now = ctx.nowIso();
  const retryAt = nextDrawAttempt(nowMs, drawAt, windowEndsAt(plan, window));
  if (await ctx.repo.getSample(input.cycleId, unit.id, window.id)) return { giveUp: retryAt === null, retryAt, notice: 'not-needed' as const };

  const had = await ctx.repo.getDrawFailure(input.cycleId, unit.id, window.id);
  const failure: InspectionDrawFailure = {
    cycleId: input.cycleId, unitId: unit.id, windowId: window.id, firstFailedAt: had?.firstFailedAt ?? now, lastFailedAt: now, error: input.error, nextAttemptAt: retryAt,
  };
  await ctx.repo.putDrawFailure(failure);
  const action = retryAt ? 'draw-failed' : 'draw-gave-up';
  await ctx.repo.appendAudit({
    cycleId: input.cycleId, unitId: unit.id, at: now, actor: 'system', role: 'system', action,
    what: { windowId: window.id, groupId: group.id, drawAt, error: input.error, firstFailedAt: failure.firstFailedAt, nextAttemptAt: retryAt },
    key: `${action}#${unit.id}#${window.id}`,
  });
  const from = fromAddress(plan);
  const to = plan.city.email;
  const mail = retryAt
    ? inspectionTemplates.drawFailed(plan, unit, group, window, drawAt, input.error, retryAt, nowMs)
    : inspectionTemplates.drawGaveUp(plan, unit, group, window, drawAt, input.error, failure.firstFailedAt, nowMs);
  const notice = await ctx.notifier.send({
    cycleId: input.cycleId, unitId: unit.id, kind: retryAt ? 'inspection-draw-failed' : 'inspection-draw-gave-up', milestone: window.id, recipient: to,
    email: { from, to, cc: [], ...mail },
  });
  return { giveUp: retryAt === null, retryAt, notice };
}

/** A failed draw as the views show it (Beijing instants); null when none failed. */
export const drawFailureView = (f: InspectionDrawFailure | null | undefined) =>
  f
    ? {
      windowId: f.windowId,
      /** 'retrying': a next attempt is due; 'gave-up': the window closed with no sample; 'resolved': a later attempt drew it. */
      state: f.resolvedAt ? ('resolved' as const) : f.nextAttemptAt ? ('retrying' as const) : ('gave-up' as const),
      firstFailedAt: beijing(f.firstFailedAt),
      lastFailedAt: beijing(f.lastFailedAt),
      error: f.error,
      nextAttemptAt: f.nextAttemptAt ? beijing(f.nextAttemptAt) : null,
      resolvedAt: f.resolvedAt ? beijing(f.resolvedAt) : null,
    }
    : null;

/** GET …/sample: the unit's inspection (null: none planned), its recorded sample (null before the draw) and how to verify it. */
export async function unitSample(ctx: Context, input: { cycleId: string; unitId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const { plan } = loaded;
  const unit = ctx.unitOf(loaded, input.unitId);
  const found = inspectionOf(plan, unit.id);
  // A plan without cross-inspection (or not of this unit): nothing to show, which the portal says as such.
  if (!found) return { cycleId: input.cycleId, unit: unitInfo(unit), inspection: null, sample: null, drawFailure: null, verify: null };
  const { group, window } = found;
  const drawAt = drawInstant(plan, window.opens);
  const [sample, failure] = await Promise.all([ctx.repo.getSample(input.cycleId, unit.id, window.id), ctx.repo.getDrawFailure(input.cycleId, unit.id, window.id)]);
  return {
    cycleId: input.cycleId,
    unit: unitInfo(unit),
    inspection: {
      window: { id: window.id, name: window.name, nameEn: window.nameEn ?? null, opens: window.opens, closes: window.closes },
      group: { id: group.id, name: group.name, nameEn: group.nameEn ?? null, fromUnit: group.fromUnit ?? null, members: group.members.map((m) => ({ name: m.name, role: m.role ?? null, email: m.email, telephone: m.telephone })) },
      ratio: found.sampling,
      /** The announced draw instant. */
      drawAt: beijing(drawAt),
    },
    sample: sample && {
      status: sample.status,
      drawnAt: beijing(sample.drawnAt),
      inputs: sample.inputs,
      seed: sample.seed,
      population: sample.population,
      sample: sample.sample,
    },
    /** A draw that failed after its retries: when, why, and when it is tried again (null: none failed). */
    drawFailure: drawFailureView(failure),
    /** The command that recomputes the sample from the published inputs (core/inspection/README.md). */
    verify: sample?.inputs
      ? `npm run sample -- verify --plan PLAN.json --unit ${unit.id} --roster ROSTER-v${sample.inputs.rosterVersion}.json --draw-at ${sample.inputs.drawAt}`
      : null,
  };
}
