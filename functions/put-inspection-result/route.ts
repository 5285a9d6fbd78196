import * as z from 'zod/mini';
import { defineRoute } from '../_shared/api-handler';
import { line, text, uuid } from '../_shared/api-schemas';
import { inspectionWindowParams } from '../_shared/inspection-params';
import { inspectionResultRecordedResponse } from '../_shared/inspection-schemas';

export const route = defineRoute('put-inspection-result', {
  params: inspectionWindowParams,
  body: z.strictObject({
    /** The version of this community's result edited (GET …/results gives it; 0: none recorded yet). */
    version: z.int().check(z.gte(0), z.lte(9999)),
    /** The sampled community, by its registered name. */
    community: line(60),
    /** 合格 (true) or 不合格 (false). */
    passed: z.boolean(),
    notes: z._default(text(2000), ''),
    /** Upload ids of checked files of the unit (POST …/uploads, then …/check). */
    evidence: z._default(z.array(uuid).check(z.maxLength(20)), []),
  }),
  /** 201 when a new version was stored, 200 for the same result again. */
  statuses: [201, 200],
  response: inspectionResultRecordedResponse,
});
