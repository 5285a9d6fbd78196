/**
 * The schedule: every instant the yearly cycle waits for, derived from a plan (see ./schedule.ts).
 * All instants are absolute UTC timestamps (`YYYY-MM-DDTHH:mm:ssZ`), which is what Step Functions
 * Wait states take; they are computed in the plan's time zone (Beijing) and shown to people in it.
 *
 * The schedule travels in the state machines' input, so it must stay small (AWS: 256 KB per payload):
 * it holds no units and no text.
 */
import * as z from 'zod/mini';
import { localDate, phaseKind } from './schema';

export const instant = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, { message: 'utc-instant' }));

export const reminderSlotSchema = z.strictObject({
  /** Stable name of the reminder within its deliverable, e.g. "D-7", "D-0". Part of the ledger key. */
  milestone: z.string().check(z.regex(/^D-\d{1,2}$/)),
  at: instant,
});

export const escalationSlotSchema = z.strictObject({
  /** 1 for the first rung of the ladder. Part of the ledger key. */
  level: z.int().check(z.gte(1), z.lte(5)),
  to: z.enum(['unit-leader', 'city-office', 'criticism-draft']),
  at: instant,
});

export const deliverableScheduleSchema = z.strictObject({
  deliverableId: z.string(),
  /** The deadline's last day in Beijing, after the plan's non-working-day policy (it may have moved). */
  lastDay: localDate,
  /** Inclusive end: the last second that is on time (23:59:59 Beijing on the last day). */
  dueAt: instant,
  reminders: z.array(reminderSlotSchema),
  /** When the deadline counts as missed: the first escalation's time (the review opens after it). */
  escalateAt: instant,
  /** The escalation ladder for this deliverable if it is still missing. */
  escalations: z.array(escalationSlotSchema),
});

export const phaseScheduleSchema = z.strictObject({
  kind: phaseKind,
  /** When the phase's opening notice goes out (its first day at notices.sendAt). */
  opensAt: instant,
  /** Inclusive end of the phase's last day. */
  closesAt: instant,
  deliverables: z.array(deliverableScheduleSchema),
});

export const scheduleSchema = z.strictObject({
  cycleId: z.string(),
  /** The phases before the review (mobilisation, rollout, self-assessment), in order. */
  phases: z.array(phaseScheduleSchema),
  review: z.strictObject({
    /** The reviewed deliverable (the self-assessment report). */
    deliverableId: z.string(),
    /** The review phase opens: the reviewed deliverable's escalation time or the phase's opening, whichever is later. */
    opensAt: instant,
    /** Inclusive end of the preliminary-review phase: the last instant a decision or resubmission counts. */
    closesAt: instant,
    rectificationDays: z.int(),
    dayCounting: z.enum(['working', 'calendar']),
    maxRounds: z.int(),
  }),
  /** When the qualifying list is forwarded to the province (once confirmed; at once if confirmed later). */
  forwardAt: instant,
  /** 上报确认: when the running office is asked to confirm the list, and the ladder if it has not by `forwardAt`. */
  confirmation: z.strictObject({ requestAt: instant, escalations: z.array(escalationSlotSchema) }),
  /** The working-day calendar the instants were computed with (package and version). */
  calendar: z.string(),
  /**
   * Cross-inspection (plan.inspection), absent when the plan has none: each window's announced draw instant
   * (its first day at inspection.drawAt, Beijing) and the instant of its results notice (the first sending morning
   * after its last day). A unit's execution draws its sample at its window's, and sends the notice at the other.
   */
  inspection: z.optional(z.strictObject({ windows: z.array(z.strictObject({ windowId: z.string(), drawAt: instant, resultAt: instant })) })),
});

export type Instant = z.infer<typeof instant>;
export type ReminderSlot = z.infer<typeof reminderSlotSchema>;
export type DeliverableSchedule = z.infer<typeof deliverableScheduleSchema>;
export type EscalationSlot = z.infer<typeof escalationSlotSchema>;
export type PhaseSchedule = z.infer<typeof phaseScheduleSchema>;
export type Schedule = z.infer<typeof scheduleSchema>;
