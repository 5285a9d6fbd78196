/**
 * The schedule: every instant the cycle waits for, derived from a valid plan (./validate.ts) and China's
 * official working-day calendar with its 调休 days (../calendar.ts, with the plan's overrides).
 *
 * - A deadline's last day that is not a working day moves to the next working day, unless the plan says
 *   `calendar.nonWorkingDeadline: keep` (the validator warns either way). It is due at 23:59:59 of that day.
 * - Reminder D-n goes out n days (working days by default: `notices.dayCounting`) before the last day,
 *   at `notices.sendAt`; one that would fall on a non-working day goes on the working day before
 *   (`notices.onNonWorkingDay: shift`). Reminders before the phase opens, or not before the due time,
 *   are dropped; two offsets landing on the same day send once.
 * - The escalation ladder: level k goes `afterDays` days after the first working day following the last
 *   day, at `sendAt`; an escalation or an opening notice that would fall on a non-working day goes on the
 *   next working day.
 * - The review opens when the reviewed deliverable is first escalated or when the review phase opens,
 *   whichever is later, and closes at the end of the review phase's last day.
 * - The qualifying list goes to the province on `forwardToProvince.on` (next working day if need be), once the
 *   running office confirmed it (上报确认). The request goes `forwardToProvince.confirmationDaysBefore` days
 *   before that day at `sendAt`; a list not confirmed by then climbs `escalation.levels` from the sending
 *   morning after the forwarding day (rung 1 the office's leader, then reminders).
 * - The roster registration (plan.rosterRegistration, 社区/村名单登记) is a deliverable of its phase
 *   (`roster-registration`, ./roster-deliverable.ts): its reminders and ladder are derived as any deliverable's.
 * - An extension (延期) the city granted one unit replaces a deliverable's last day with its own (the same
 *   non-working-day policy applies), so that unit's due time, reminders and ladder follow it; if the reviewed
 *   deliverable is extended, the review opens after its new first escalation. One schedule per unit then.
 */
import { makeCalendar, type WorkingCalendar } from '../calendar';
import { addCalendarDays, atLocalTime, dayEnd, deadlineLastDay, toUtcInstant } from '../time';
import { dueInPhase } from './roster-deliverable';
import type { Deadline, Plan } from './schema';
import type { DeliverableSchedule, EscalationSlot, PhaseSchedule, ReminderSlot, Schedule } from './schedule-schema';

export function planCalendar(plan: Plan): WorkingCalendar {
  return makeCalendar({ overrides: plan.calendar.overrides });
}

/** The plan's day arithmetic: working or calendar days, and where a day on which nothing may go out moves. */
export function planDays(plan: Plan, calendar: WorkingCalendar = planCalendar(plan)) {
  const working = plan.notices.dayCounting === 'working';
  const shift = plan.notices.onNonWorkingDay === 'shift';
  return {
    calendar,
    /** `n` days after (n > 0) or before (n < 0) `date`. */
    add: (date: string, n: number) => (working ? calendar.addWorkingDays(date, n) : addCalendarDays(date, n)),
    /** A day something is sent on, looking back (reminders) or forward (notices, escalations). */
    sendDayBefore: (date: string) => (shift ? calendar.onOrBefore(date) : date),
    sendDayAfter: (date: string) => (shift ? calendar.onOrAfter(date) : date),
    /** A deadline's last day, after the non-working-day policy. */
    lastDay: (due: Deadline) => {
      const day = deadlineLastDay(due);
      return plan.calendar.nonWorkingDeadline === 'next-working-day' ? calendar.onOrAfter(day) : day;
    },
    /** An extension's last day (inclusive), after the same policy. */
    extendedLastDay: (day: string) => (plan.calendar.nonWorkingDeadline === 'next-working-day' ? calendar.onOrAfter(day) : day),
  };
}

/**
 * @param extensions the last day (YYYY-MM-DD, Beijing) each extended deliverable has for one unit, by
 *   deliverable id; none gives the plan's own schedule.
 */
export function deriveSchedule(plan: Plan, extensions: Record<string, string> = {}): Schedule {
  const zone = plan.timeZone;
  const sendAt = plan.notices.sendAt;
  const days = planDays(plan);
  const at = (date: string) => atLocalTime(date, sendAt, zone);
  const reminderDays = [...new Set(plan.notices.reminderDaysBefore)].sort((a, b) => b - a);

  const phases: PhaseSchedule[] = plan.phases
    .filter((p) => p.kind !== 'preliminary-review')
    .map((phase) => {
      const opens = at(days.sendDayAfter(phase.opens));
      // The roster registration (plan.rosterRegistration) is one more thing due in its phase: ./roster-deliverable.ts.
      const deliverables = dueInPhase(plan, phase)
        .map((d) => ({ d, lastDay: extensions[d.id] ? days.extendedLastDay(extensions[d.id]) : days.lastDay(d.due) }))
        .sort((a, b) => a.lastDay.localeCompare(b.lastDay))
        .map(({ d, lastDay }): DeliverableSchedule => {
          const due = dayEnd(lastDay, zone);
          const reminders: ReminderSlot[] = [];
          const seen = new Set<string>();
          for (const n of reminderDays) {
            const day = days.sendDayBefore(n === 0 ? lastDay : days.add(lastDay, -n));
            const when = at(day);
            if (seen.has(day) || when.toMillis() < opens.toMillis() || when.toMillis() >= due.toMillis()) continue;
            seen.add(day);
            reminders.push({ milestone: `D-${n}`, at: toUtcInstant(when) });
          }
          const escalations = escalationLadder(plan, days, lastDay);
          return {
            deliverableId: d.id,
            lastDay,
            dueAt: toUtcInstant(due),
            reminders,
            escalateAt: escalations[0].at,
            escalations,
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
  const reviewOpens = toUtcInstant(at(days.sendDayAfter(reviewPhase.opens)));
  const forwardDay = days.sendDayAfter(plan.forwardToProvince.on);

  return {
    cycleId: plan.cycleId,
    phases,
    review: {
      deliverableId: reviewed.deliverableId,
      // Same-format UTC strings compare in time order.
      opensAt: reviewed.escalateAt > reviewOpens ? reviewed.escalateAt : reviewOpens,
      closesAt: toUtcInstant(dayEnd(reviewPhase.closes, zone)),
      rectificationDays: plan.review.rectificationDays,
      dayCounting: plan.notices.dayCounting,
      maxRounds: plan.review.maxRounds,
    },
    forwardAt: toUtcInstant(at(forwardDay)),
    confirmation: {
      requestAt: toUtcInstant(at(days.sendDayBefore(days.add(forwardDay, -plan.forwardToProvince.confirmationDaysBefore)))),
      // Not confirmed by the forwarding instant: the ladder from the next sending morning after the forwarding day.
      escalations: escalationLadder(plan, days, forwardDay),
    },
    calendar: days.calendar.source,
    ...(plan.inspection
      ? {
        inspection: {
          windows: plan.inspection.windows.map((w) => ({
            windowId: w.id,
            drawAt: drawInstant(plan, w.opens),
            // 交叉检查结果通知: the first sending morning after the window's last day (nothing is recorded after it).
            resultAt: toUtcInstant(at(days.sendDayAfter(addCalendarDays(w.closes, 1)))),
          })),
        },
      }
      : {}),
  };
}

/**
 * The announced draw instant of an inspection window opening on `opens`: that day at inspection.drawAt,
 * Beijing, whatever the day (it is published with the plan, so nothing moves it).
 */
export function drawInstant(plan: Plan, opens: string): string {
  return toUtcInstant(atLocalTime(opens, plan.inspection?.drawAt ?? plan.notices.sendAt, plan.timeZone));
}

/**
 * The escalation ladder after a deadline whose last day is `lastDay` (a deliverable's or a rectification's):
 * rung k `afterDays` days after the first working day following it, at `notices.sendAt`.
 */
export function escalationLadder(plan: Plan, days: ReturnType<typeof planDays>, lastDay: string): EscalationSlot[] {
  const firstAfter = days.sendDayAfter(addCalendarDays(lastDay, 1));
  return plan.escalation.levels.map((level, i) => ({
    level: i + 1,
    to: level.to,
    at: toUtcInstant(
      atLocalTime(days.sendDayAfter(level.afterDays === 0 ? firstAfter : days.add(firstAfter, level.afterDays)), plan.notices.sendAt, plan.timeZone),
    ),
  }));
}

function isReviewed(plan: Plan, deliverableId: string): boolean {
  return plan.phases.some((p) => p.deliverables.some((d) => d.id === deliverableId && d.reviewed));
}
