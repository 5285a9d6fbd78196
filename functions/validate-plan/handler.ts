/** POST /plans/validate (city office): a plan's problems and warnings and, when it can start, its year's timeline. Stores nothing. */
import type { Context } from '../../core/use-cases/context';
import { checkPlan } from '../../core/use-cases/plans';
import type { Lang, Problem } from '../../core/validation';
import { makeApiHandler } from '../_shared/api-handler';
import { getDeps } from '../_shared/deps';
import { dynamoRepository } from '../_shared/dynamodb';
import { route } from './route';

export const said = (ps: readonly Problem[], lang: Lang) => ps.map((p) => ({ path: p.path, rule: p.rule, message: p.message[lang] }));

export const makeHandler = (ctx: Context) =>
  makeApiHandler(route, async ({ body, lang }) => {
    const r = await checkPlan(ctx, { plan: body });
    return { body: { ...r, problems: said(r.problems, lang), warnings: said(r.warnings, lang) } };
  });
export const handler = makeHandler(getDeps('validate-plan', { repo: dynamoRepository }));
