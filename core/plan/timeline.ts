/**
 * A plan's year as the city office looks at it before starting the cycle: each phase's dates and instants,
 * each deadline's inclusive last day and due instant, the review and the forwarding to the province, and
 * every day off (weekends, holidays, the office's own days off) and every working day on a weekend or
 * holiday (调休上班, the office's own working days) between the first date and the last.
 *
 * Everything comes from the schedule the state machines wait for (./schedule.ts) and its calendar, so the
 * picture the portal draws cannot disagree with what the cycle will do.
 */
import type { DayKind } from '../calendar';
import { addCalendarDays, atLocalTime, dayEnd, deadlineLastDay, localDateOf, toUtcInstant } from '../time';
import { dueInPhase } from './roster-deliverable';
import { deriveSchedule, planDays } from './schedule';
import type { PhaseKind, Plan } from './schema';

export interface TimelineDay {
  date: string;
  /** A day off (weekend, holiday, the office's day off), or a working day where one expects none. */
  off: boolean;
  kind: Exclude<DayKind, 'workday'>;
  /** The holiday's or the 调休 day's name (国庆节), or the office's reason; null for a plain weekend. */
  nameZh: string | null;
  nameEn: string | null;
}

export interface PlanTimeline {
  /** The first and last date the picture spans (Beijing): the first phase's opening, the later of the review's end and the forwarding. */
  firstDay: string;
  lastDay: string;
  phases: Array<{ kind: PhaseKind; name: string; nameEn: string; opens: string; closes: string; opensAt: string; closesAt: string }>;
  deadlines: Array<{
    deliverableId: string;
    name: string;
    nameEn: string;
    phase: PhaseKind;
    reviewed: boolean;
    /** As the plan states it: "before 10 November" is `{ date: '2016-11-10', inclusive: false }`. */
    due: { date: string; inclusive: boolean };
    /** The last day that counts (inclusive), after the plan's policy for a deadline on a day off. */
    lastDay: string;
    /** 23:59:59 Beijing on the last day. */
    dueAt: string;
    /** The last day moved off a day off (to the next working day). */
    moved: boolean;
  }>;
  review: { deliverableId: string; opensAt: string; closesAt: string };
  /** The day the plan names, and when the list actually goes (a day off moves it, if the plan says so). */
  forwarding: { on: string; at: string; day: string };
  calendar: { source: string; days: TimelineDay[] };
}

/** The timeline of a valid plan (validatePlan first: deriving the schedule of an invalid one throws). */
export function planTimeline(plan: Plan): PlanTimeline {
  const schedule = deriveSchedule(plan);
  const days = planDays(plan);
  const zone = plan.timeZone;
  const opening = new Map(schedule.phases.map((p) => [p.kind, p.opensAt]));
  const slots = new Map(schedule.phases.flatMap((p) => p.deliverables).map((d) => [d.deliverableId, d]));

  const phases = plan.phases.map((p) => ({
    kind: p.kind,
    name: p.name,
    nameEn: p.nameEn,
    opens: p.opens,
    closes: p.closes,
    // The review phase has no opening notice in the schedule: its first day at the send time, as the others.
    opensAt: opening.get(p.kind) ?? toUtcInstant(atLocalTime(days.sendDayAfter(p.opens), plan.notices.sendAt, zone)),
    closesAt: toUtcInstant(dayEnd(p.closes, zone)),
  }));
  const deadlines = plan.phases.flatMap((p) =>
    dueInPhase(plan, p).map((d) => {
      const slot = slots.get(d.id)!;
      return {
        deliverableId: d.id,
        name: d.name,
        nameEn: d.nameEn,
        phase: p.kind,
        reviewed: d.reviewed,
        due: { date: d.due.date, inclusive: d.due.inclusive },
        lastDay: slot.lastDay,
        dueAt: slot.dueAt,
        moved: slot.lastDay !== deadlineLastDay(d.due),
      };
    }),
  );
  const forwardDay = localDateOf(schedule.forwardAt, zone);
  const firstDay = plan.phases[0].opens;
  const reviewCloses = plan.phases[plan.phases.length - 1].closes;
  const lastDay = forwardDay > reviewCloses ? forwardDay : reviewCloses;

  const marked: TimelineDay[] = [];
  for (let date = firstDay; date <= lastDay; date = addCalendarDays(date, 1)) {
    const day = days.calendar.describe(date);
    if (day.kind === 'workday') continue;
    marked.push({ date, off: !days.calendar.isWorkingDay(date), kind: day.kind, nameZh: day.nameZh ?? null, nameEn: day.nameEn ?? null });
  }

  return {
    firstDay,
    lastDay,
    phases,
    deadlines,
    review: { deliverableId: schedule.review.deliverableId, opensAt: schedule.review.opensAt, closesAt: schedule.review.closesAt },
    forwarding: { on: plan.forwardToProvince.on, at: schedule.forwardAt, day: forwardDay },
    calendar: { source: days.calendar.source, days: marked },
  };
}
