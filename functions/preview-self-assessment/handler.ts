/** POST .../self-assessment/preview: coverage, pass rate, self-score and where the county falls short, before it confirms. Stores nothing. */
import type { Context } from '../../core/use-cases/context';
import { previewSelfAssessment } from '../../core/use-cases/submissions';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ params, body, lang }) => {
    const r = await previewSelfAssessment(ctx, { ...params, selfAssessment: body.selfAssessment });
    const say = (ps: typeof r.findings) => ps.map((p) => ({ path: p.path, rule: p.rule, message: p.message[lang] }));
    return { body: { ...r, findings: say(r.findings), errors: say(r.errors) } };
  });
export const handler = makeHandler(getDeps('preview-self-assessment', { repo: dynamoRepository }));
