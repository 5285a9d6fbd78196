/**
 * What the plan routes answer (POST /plans/validate, POST /cycles), for the OpenAPI document and the
 * portal's client generated from it; see ./view-schemas.ts for why these exist and how they stay true.
 */
import * as z from 'zod/mini';
import { instantView, levelsView, problemView } from './view-schemas';

/**
 * The body both routes take: a plan file's JSON as it is (`npm run plan -- validate` checks the same file).
 * Any object here; the validator checks it field by field, so that POST /plans/validate answers every
 * problem of an invalid plan instead of refusing the request. The document shows the plan's own schema
 * (core/plan/schema.ts, the routes' `bodyDocument`).
 */
export const planBody = z.record(z.string(), z.unknown());

const phaseKind = z.enum(['mobilisation', 'rollout', 'self-assessment', 'preliminary-review']);

const timelineView = z.object({
  firstDay: z.string(),
  lastDay: z.string(),
  phases: z.array(z.object({
    kind: phaseKind, name: z.string(), nameEn: z.string(), opens: z.string(), closes: z.string(), opensAt: instantView, closesAt: instantView,
  })),
  deadlines: z.array(z.object({
    deliverableId: z.string(),
    name: z.string(),
    nameEn: z.string(),
    phase: phaseKind,
    reviewed: z.boolean(),
    due: z.object({ date: z.string(), inclusive: z.boolean() }),
    /** The last day that counts (inclusive), after the plan's policy for a deadline on a day off. */
    lastDay: z.string(),
    dueAt: instantView,
    moved: z.boolean(),
  })),
  review: z.object({ deliverableId: z.string(), opensAt: instantView, closesAt: instantView }),
  forwarding: z.object({ on: z.string(), at: instantView, day: z.string() }),
  calendar: z.object({
    source: z.string(),
    /** Days off (off: true) and working days on a weekend or holiday (调休上班, off: false) from firstDay to lastDay. */
    days: z.array(z.object({
      date: z.string(),
      off: z.boolean(),
      kind: z.enum(['weekend', 'holiday', 'adjusted-workday', 'override-working', 'override-off']),
      nameZh: z.nullable(z.string()),
      nameEn: z.nullable(z.string()),
    })),
  }),
});

export const planCheckResponse = z.object({
  /** The plan can be started here (no problem: valid, the office's own, its cycle id free or holding this plan). */
  valid: z.boolean(),
  problems: z.array(problemView),
  warnings: z.array(problemView),
  /** The server's time (the twin's simulated clock there), and its date in Beijing. */
  now: instantView,
  today: z.string(),
  plan: z.nullable(z.object({
    cycleId: z.string(),
    title: z.string(),
    year: z.number(),
    city: z.object({ name: z.string(), office: z.string() }),
    units: z.number(),
    planHash: z.string(),
    /** The plan's own words for its levels (the timeline's rows and labels use them). */
    levels: levelsView,
  })),
  /** The cycle already stored under the plan's cycle id, if any. */
  cycle: z.nullable(z.object({ status: z.enum(['stored', 'running', 'forwarded', 'closed']), storedAt: instantView, samePlan: z.boolean() })),
  timeline: z.nullable(timelineView),
});

export const cycleStartedResponse = z.object({
  cycleId: z.string(),
  title: z.string(),
  executionName: z.string(),
  planHash: z.string(),
  stored: z.enum(['stored', 'same']),
  started: z.enum(['started', 'exists']),
  warnings: z.array(problemView),
});
