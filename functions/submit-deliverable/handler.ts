/**
 * POST .../deliverables/{deliverableId}/versions (county office): a new immutable version with the server's
 * receipt time and on-time flag; a late one is accepted and flagged. The receipt (回执) is emailed.
 */
import type { Context } from '../../core/use-cases/context';
import { submitDeliverable } from '../../core/use-cases/submissions';
import { nameUploadProblems } from '../../core/use-cases/uploads';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { sesMailer } from '../_shared/ses';
import { sfnWorkflow } from '../_shared/sfn';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, body, actor, lang, requestKey }) => {
    const v = await submitDeliverable(ctx, { ...params, submittedBy: actor!.id, narrative: body.narrative, uploadIds: body.documents, selfAssessment: body.selfAssessment, requestKey })
      .catch((error: unknown) => nameUploadProblems(ctx, error, { ...params, documents: body.documents, selfAssessment: body.selfAssessment }));
    const findings = v.selfAssessment?.findings.map((p) => ({ path: p.path, rule: p.rule, message: p.message[lang] })) ?? [];
    return {
      status: 201,
      headers: { location: `/cycles/${v.cycleId}/units/${v.unitId}/deliverables/${v.deliverableId}/versions/${v.version}` },
      body: {
        deliverableId: v.deliverableId,
        version: v.version,
        receivedAt: v.receivedAt,
        onTime: v.onTime,
        documents: v.documents.map((d) => ({ uploadId: d.uploadId, fileName: d.fileName, size: d.size, sha256: d.sha256 })),
        figures: v.selfAssessment?.figures ?? null,
        findings,
        receipt: `/cycles/${v.cycleId}/units/${v.unitId}/deliverables/${v.deliverableId}/versions/${v.version}/receipt`,
      },
    };
  }, { idempotency: ctx });
export const handler = makeHandler(getDeps('submit-deliverable', { repo: dynamoRepository, mailer: sesMailer, workflow: sfnWorkflow }));
