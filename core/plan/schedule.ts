/**
 * The schedule: every instant the cycle waits for, derived from a valid plan (./validate.ts).
 *
 * - A phase opens on its first day at `notices.sendAt` (Beijing) and closes at 23:59:59 of its last day.
 * - A deliverable is due at the inclusive end of its deadline; reminder D-n goes out n calendar days
 *   before the deadline's last day at `sendAt` (dropped if before the phase opens or not before the due
 *   time); a missed deliverable is escalated the day after its last day at `sendAt`.
 * - The review opens when the reviewed deliverable is escalated or when the review phase opens,
 *   whichever is later, and closes at the end of the review phase's last day.
 * - The qualifying list goes to the province on `forwardToProvince.on` at `sendAt`.
 *
 * Day arithmetic is calendar days, via core/time.ts (where a working-day calendar will plug in).
 */
import { addCalendarDays, atLocalTime, dayEnd, deadlineEnd, deadlineLastDay, toUtcInstant } from '../time';
import type { Plan } from './schema';
import type { DeliverableSchedule, PhaseSchedule, ReminderSlot, Schedule } from './schedule-schema';

export function deriveSchedule(plan: Plan): Schedule {
  const zone = plan.timeZone;
  const sendAt = plan.notices.sendAt;
  const reminderDays = [...new Set(plan.notices.reminderDaysBefore)].sort((a, b) => b - a);

  const phases: PhaseSchedule[] = plan.phases
    .filter((p) => p.kind !== 'preliminary-review')
    .map((phase) => {
      const opens = atLocalTime(phase.opens, sendAt, zone);
      const deliverables = [...phase.deliverables]
        .sort((a, b) => deadlineEnd(a.due, zone).toMillis() - deadlineEnd(b.due, zone).toMillis())
        .map((d): DeliverableSchedule => {
          const lastDay = deadlineLastDay(d.due);
          const due = deadlineEnd(d.due, zone);
          const reminders: ReminderSlot[] = [];
          for (const n of reminderDays) {
            const at = atLocalTime(addCalendarDays(lastDay, -n), sendAt, zone);
            if (at.toMillis() < opens.toMillis() || at.toMillis() >= due.toMillis()) continue;
            reminders.push({ milestone: `D-${n}`, at: toUtcInstant(at) });
          }
          return {
            deliverableId: d.id,
            dueAt: toUtcInstant(due),
            reminders,
            escalateAt: toUtcInstant(atLocalTime(addCalendarDays(lastDay, 1), sendAt, zone)),
          };
        });
      return {
        kind: phase.kind,
        opensAt: toUtcInstant(opens),
        closesAt: toUtcInstant(dayEnd(phase.closes, zone)),
        deliverables,
      };
    });

  const reviewPhase = plan.phases.find((p) => p.kind === 'preliminary-review');
  const reviewed = phases.flatMap((p) => p.deliverables).find((d) => isReviewed(plan, d.deliverableId));
  if (!reviewPhase || !reviewed) throw new Error('deriveSchedule needs a valid plan (see validatePlan)');
  const reviewOpens = toUtcInstant(atLocalTime(reviewPhase.opens, sendAt, zone));

  return {
    cycleId: plan.cycleId,
    phases,
    review: {
      deliverableId: reviewed.deliverableId,
      // Same-format UTC strings compare in time order.
      opensAt: reviewed.escalateAt > reviewOpens ? reviewed.escalateAt : reviewOpens,
      closesAt: toUtcInstant(dayEnd(reviewPhase.closes, zone)),
      rectificationDays: plan.review.rectificationDays,
      maxRounds: plan.review.maxRounds,
    },
    forwardAt: toUtcInstant(atLocalTime(plan.forwardToProvince.on, sendAt, zone)),
  };
}

function isReviewed(plan: Plan, deliverableId: string): boolean {
  return plan.phases.some((p) => p.deliverables.some((d) => d.id === deliverableId && d.reviewed));
}
