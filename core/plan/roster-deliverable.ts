/**
 * The roster registration (社区/村名单登记, plan.rosterRegistration) as one more thing due in its phase.
 *
 * A plan that asks units to register their communities by a deadline gets that deadline handled like any
 * deliverable's: it is in the schedule (so the UnitCycle sends its reminders and climbs its escalation ladder),
 * in the phase's opening notice, the overview, the dashboard and the cycle's totals. Nothing of this is a copy:
 * the roster is a deliverable whose "submitted" test is "a roster is registered": a registration writes the
 * deliverable's status in the same transaction as the roster version (CycleRepository.putRoster), so every
 * reader of deliverable statuses sees it as it sees a submitted report.
 *
 * What stays the roster's own: it is registered through `PUT …/roster` (core/use-cases/rosters.ts), never as a
 * submission (refused with a pointer to the roster), it is never the reviewed deliverable, and its versions are
 * roster versions. The plan file does not list it among its phase's deliverables: it is derived here from
 * `rosterRegistration`, and the id is reserved (validate.ts refuses a deliverable that takes it).
 */
import type { Deliverable, Phase, Plan } from './schema';

/** The reserved deliverable id of the roster registration; also its ledger keys' prefix (`roster-registration#<lastDay>#D-3`). */
export const ROSTER_DELIVERABLE_ID = 'roster-registration';

export const isRosterDeliverable = (deliverableId: string) => deliverableId === ROSTER_DELIVERABLE_ID;

/** The roster registration as a deliverable, or null when the plan does not ask for one. */
export function rosterDeliverable(plan: Pick<Plan, 'rosterRegistration'>): Deliverable | null {
  const reg = plan.rosterRegistration;
  if (!reg) return null;
  return { id: ROSTER_DELIVERABLE_ID, name: '社区/村名单', nameEn: 'roster of communities and villages', due: reg.due, reviewed: false };
}

/** What is due in a phase: its deliverables as the plan lists them, then the roster registration when it falls in this phase. */
export function dueInPhase(plan: Pick<Plan, 'rosterRegistration'>, phase: Pick<Phase, 'kind' | 'deliverables'>): Deliverable[] {
  const roster = rosterDeliverable(plan);
  return roster && plan.rosterRegistration!.phase === phase.kind ? [...phase.deliverables, roster] : phase.deliverables;
}
