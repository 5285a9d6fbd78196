/** 上报确认 and 通报表扬: the views their routes answer with (core/use-cases/forwarding.ts builds them). */
import * as z from 'zod/mini';
import { instantView, unitInfoView } from './view-schemas';

const confirmationView = z.object({
  confirmedBy: z.string(),
  confirmedAt: instantView,
  note: z.nullable(z.string()),
  /** The list as confirmed: the recorded outcomes at that moment (every unit had one). */
  qualified: z.array(unitInfoView),
  notQualified: z.array(unitInfoView),
});

export const forwardingResponse = z.object({
  cycleId: z.string(),
  /**
   * not-yet-requested, awaiting-confirmation (the request went out), overdue (the forwarding date passed and the
   * ladder climbs), confirmed (goes on the forwarding date), forwarded, not-forwarded (the cycle closed unconfirmed).
   */
  state: z.enum(['not-yet-requested', 'awaiting-confirmation', 'overdue', 'confirmed', 'forwarded', 'not-forwarded']),
  requestAt: instantView,
  forwardAt: instantView,
  superior: z.object({ name: z.string(), shortName: z.string(), shortNameEn: z.string() }),
  /** The list as the outcomes have it now; it can be confirmed once `pending` is empty. */
  list: z.object({ qualified: z.array(unitInfoView), notQualified: z.array(unitInfoView), pending: z.array(unitInfoView) }),
  confirmable: z.boolean(),
  confirmation: z.nullable(confirmationView),
  forwarded: z.nullable(z.object({ at: instantView, qualified: z.array(unitInfoView), notQualified: z.array(unitInfoView) })),
  /** The ladder's rungs sent so far (rung 1 the office's leader, then reminders). */
  escalations: z.array(z.object({ milestone: z.string(), to: z.string(), sentAt: z.nullable(instantView) })),
});

export const confirmationResponse = z.object({
  /** false when the list was already confirmed (by anyone): the stored confirmation is returned, nothing changes. */
  recorded: z.boolean(),
  confirmation: confirmationView,
  /** continued: the waiting cycle moved on now; task-already-closed / will-follow: it reads the record within a day. */
  workflow: z.enum(['continued', 'task-already-closed', 'will-follow']),
});

export const commendationResponse = z.object({
  commendationId: z.string(),
  text: z.string(),
  /** false when this same commendation (units and text) was issued already: nothing was sent again. */
  issued: z.boolean(),
  units: z.array(z.object({ unit: unitInfoView, notice: z.string() })),
});
