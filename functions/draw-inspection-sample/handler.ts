/**
 * UnitCycle task DrawInspectionSample: at an inspection window's draw instant, the unit's sample is drawn
 * from its registered roster, recorded once and mailed (core/use-cases/inspection.ts).
 */
import type { Context } from '../../core/use-cases/context';
import { drawInspectionSample } from '../../core/use-cases/inspection';
import { drawInspectionSampleInput } from '../../workflows/contract';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sesMailer } from '../_shared/ses';
import { makeTaskHandler } from '../_shared/task-handler';

export const makeHandler = (ctx: Context) => makeTaskHandler(drawInspectionSampleInput, (input) => drawInspectionSample(ctx, input));
export const handler = makeHandler(getDeps('draw-inspection-sample', { repo: dynamoRepository, mailer: sesMailer }));
