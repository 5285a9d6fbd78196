/**
 * A county office submits a deliverable. Every submission is a new immutable version with the server's
 * receipt time and an on-time flag nobody can edit; a late one is accepted and flagged, never refused.
 *
 * Primary course: check the unit and deliverable against the plan; add the version; email the receipt
 * (回执); if the unit's execution waits for this deliverable, complete its callback.
 */
import type { DocumentRef } from '../model';
import { fromAddress, templates } from '../notifier/templates';
import { isOnTime } from '../time';
import type { Context } from './context';
import { rectificationDeadline } from './review';

/** The latest review decision of a unit, if it returned the report for rectification. */
async function lastReturned(ctx: Context, cycleId: string, unitId: string) {
  let last = null;
  for (let round = 1; round <= 10; round++) {
    const d = await ctx.repo.getDecision(cycleId, unitId, round);
    if (!d) break;
    last = d;
  }
  return last?.outcome === 'returned' ? last : null;
}

export async function submitDeliverable(
  ctx: Context,
  input: { cycleId: string; unitId: string; deliverableId: string; submittedBy: string; narrative?: string; documents?: DocumentRef[] },
) {
  const loaded = await ctx.loadPlan(input.cycleId);
  const unit = ctx.unitOf(loaded, input.unitId);
  // On time against the unit's own deadline: the plan's, or its newest extension's; a resubmission
  // after a return, against the rectification deadline (限期整改) of that round.
  const { deliverable, dueAt: planDueAt } = await ctx.deadlineFor(loaded, unit.id, input.deliverableId);
  const returned = deliverable.id === loaded.schedule.review.deliverableId ? await lastReturned(ctx, input.cycleId, unit.id) : null;
  const dueAt = returned ? rectificationDeadline(loaded, returned.decidedAt).deadline : planDueAt;
  const now = ctx.clock.now();
  const version = await ctx.repo.addSubmission({
    cycleId: input.cycleId, unitId: unit.id, deliverableId: deliverable.id, receivedAt: new Date(now).toISOString(),
    onTime: isOnTime(now, dueAt), submittedBy: input.submittedBy, narrative: input.narrative, documents: input.documents ?? [],
  });
  await ctx.repo.appendAudit({
    cycleId: input.cycleId, unitId: unit.id, at: version.receivedAt, actor: input.submittedBy, role: 'county',
    action: 'submit', what: { deliverableId: deliverable.id, version: version.version, onTime: version.onTime },
  });
  const mail = templates.receipt(loaded.plan, unit, deliverable, version, now);
  await ctx.notifier.send({
    cycleId: input.cycleId, unitId: unit.id, kind: 'receipt', milestone: `${deliverable.id}#v${version.version}`, recipient: unit.office.email,
    email: { from: fromAddress(loaded.plan), to: unit.office.email, cc: [], ...mail },
  });
  if (deliverable.id === loaded.schedule.review.deliverableId) {
    const waiting = await ctx.repo.getWaitToken(input.cycleId, unit.id, 'submission', deliverable.id);
    if (waiting && waiting.afterVersion < version.version) {
      await ctx.workflow.completeTask(waiting.token, { version: version.version, onTime: version.onTime });
    }
  }
  return version;
}
