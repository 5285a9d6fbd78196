/** The structured self-assessment (自评报告) as the API takes it: the server computes every figure from it. */
import * as z from 'zod/mini';
import { line, points, slug, text, uuid } from './api-schemas';

/** A county has at most a few hundred communities and villages; 1,000 keeps a version far below DynamoDB's 400 KB item limit. */
export const MAX_ROSTER = 1000;

export const selfAssessmentSchema = z.strictObject({
  narrative: text(10000).check(z.minLength(1)),
  scores: z
    .array(
      z.strictObject({
        itemId: slug,
        score: points,
        /** Upload ids of checked documents that evidence this item (they are attached to the version). */
        evidence: z._default(z.array(uuid).check(z.maxLength(20)), []),
        note: z.optional(text(1000)),
      }),
    )
    .check(z.maxLength(200)),
  roster: z
    .array(z.strictObject({ name: line(40), created: z.boolean(), qualified: z.boolean() }))
    .check(z.maxLength(MAX_ROSTER)),
});
