/** Plans for tests that start a cycle beside the example one: the same office's plan under another cycle id. */

type PlanJson = Record<string, unknown> & { phases: Array<Record<string, unknown>> };

const shiftDate = (date: string, years: number) => `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;

/**
 * A copy of `plan` (a plan file's JSON) with another cycle id and title; `years` moves every date (phases,
 * deadlines, the roster registration's, inspection windows, forwarding, calendar overrides, the targets' date, the issuing document's) and the year by that many years, so that a cycle started on a
 * twin already at the example year's review waits for its dates instead of replaying them at once.
 */
export function planCopy<P>(plan: P, over: { cycleId: string; title: string; years?: number }): P {
  const copy = structuredClone(plan) as unknown as PlanJson;
  const years = over.years ?? 0;
  copy.cycleId = over.cycleId;
  copy.title = over.title;
  if (years) {
    copy.year = (copy.year as number) + years;
    for (const phase of copy.phases) {
      phase.opens = shiftDate(phase.opens as string, years);
      phase.closes = shiftDate(phase.closes as string, years);
      for (const d of (phase.deliverables ?? []) as Array<{ due: { date: string } }>) d.due.date = shiftDate(d.due.date, years);
    }
    const forward = copy.forwardToProvince as { on: string };
    forward.on = shiftDate(forward.on, years);
    const calendar = copy.calendar as { overrides?: Array<{ date: string }> } | undefined;
    for (const o of calendar?.overrides ?? []) o.date = shiftDate(o.date, years);
    const targets = copy.targets as { metBy?: string } | undefined;
    if (targets?.metBy) targets.metBy = shiftDate(targets.metBy, years);
    const issued = copy.issuingDocument as { issuedOn?: string } | undefined;
    if (issued?.issuedOn) issued.issuedOn = shiftDate(issued.issuedOn, years);
    // The roster registration is due like a deliverable (core/plan/roster-deliverable.ts): its date moves with them.
    const roster = copy.rosterRegistration as { due: { date: string } } | undefined;
    if (roster) roster.due.date = shiftDate(roster.due.date, years);
    const inspection = copy.inspection as { windows: Array<{ opens: string; closes: string }> } | undefined;
    for (const w of inspection?.windows ?? []) Object.assign(w, { opens: shiftDate(w.opens, years), closes: shiftDate(w.closes, years) });
  }
  return copy as unknown as P;
}
