/**
 * UnitCycle task DrawInspectionSample: at an inspection window's draw instant, the unit's sample is drawn
 * from its registered roster, recorded once and mailed (core/use-cases/inspection.ts). With `failed`, the
 * task ReportInspectionDrawFailure: the draw failed after its retries; the failure is recorded, the office
 * told once, and the answer says when to try again.
 */
import type { Context } from '../../core/use-cases/context';
import { drawInspectionSample, reportDrawFailure } from '../../core/use-cases/inspection';
import { drawInspectionSampleInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sesMailer } from '../_shared/ses';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) =>
  makeTaskHandler(drawInspectionSampleInput, async ({ failed, ...input }): Promise<object> =>
    failed ? reportDrawFailure(ctx, { ...input, error: failed.error }) : drawInspectionSample(ctx, input));
export const handler = makeHandler(getDeps('draw-inspection-sample', { repo: dynamoRepository, mailer: sesMailer }));
