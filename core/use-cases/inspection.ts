/**
 * The inspection draw (抽样) in the workflow, and the recorded sample as the API shows it (issue 10).
 *
 * Primary course of drawInspectionSample (the UnitCycle's DrawInspectionSample task, at its window's draw
 * instant; it runs for every window of the plan, and only the unit's own window draws):
 *   1. not the unit's window: nothing ('not-inspected'); before the announced instant: refused (TransientError,
 *      so the state's Retry tries again): a sample is never drawn early;
 *   2. a recorded sample stands: a retry, a restart or a duplicate goes straight to step 5 with it;
 *   3. the unit's current roster version and the cycle's plan hash are the inputs (core/inspection/sample.ts);
 *      no roster: the record says nothing could be drawn ('no-roster');
 *   4. the sample is recorded once with its audit entry (conditional write; a concurrent draw that lost
 *      gets the recorded one): a roster changed afterwards never changes it, and nothing redraws it;
 *   5. the emails, through the notifier and its ledger (each once): the sample to every member of the group
 *      and to the unit's office; no roster: the running office is told.
 */
import { NotFoundError, TransientError } from '../errors';
import type { InspectionSample } from '../inspection/model';
import { drawSample } from '../inspection/sample';
import { inspectionTemplates, fromAddress } from '../notifier/templates';
import { drawInstant } from '../plan/schedule';
import { inspectionOf } from '../plan/validate-inspection';
import type { Context } from './context';
import { beijing, unitInfo } from './view-parts';

export type DrawStatus = 'drawn' | 'no-roster' | 'not-inspected';

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
  if (!sample) {
    const [roster, cycle] = await Promise.all([ctx.repo.getRoster(input.cycleId, unit.id), ctx.repo.getCycle(input.cycleId)]);
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

/** GET …/sample: the unit's inspection (null: none planned), its recorded sample (null before the draw) and how to verify it. */
export async function unitSample(ctx: Context, input: { cycleId: string; unitId: string }) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const { plan } = loaded;
  const unit = ctx.unitOf(loaded, input.unitId);
  const found = inspectionOf(plan, unit.id);
  // A plan without cross-inspection (or not of this unit): nothing to show, which the portal says as such.
  if (!found) return { cycleId: input.cycleId, unit: unitInfo(unit), inspection: null, sample: null, verify: null };
  const { group, window } = found;
  const drawAt = drawInstant(plan, window.opens);
  const sample = await ctx.repo.getSample(input.cycleId, unit.id, window.id);
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
    /** The command that recomputes the sample from the published inputs (core/inspection/README.md). */
    verify: sample?.inputs
      ? `npm run sample -- verify --plan PLAN.json --unit ${unit.id} --roster ROSTER-v${sample.inputs.rosterVersion}.json --draw-at ${sample.inputs.drawAt}`
      : null,
  };
}
