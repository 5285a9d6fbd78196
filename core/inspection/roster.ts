/**
 * A registered roster (社区/村名单) as a unit sends it: the shape (zod/mini) and the rule that spans rows
 * (names unique: the name is the community's key in the draw). Shared by the API and `npm run sample`.
 */
import * as z from 'zod/mini';
import { telephone } from '../plan/schema';
import { makeProblem, parseWithProblems, type Problem } from '../validation';
import { COMMUNITY_KINDS, type RegisteredCommunity } from './model';

/**
 * Single line, no control or invisible formatting characters (a tab above all: a roster's canonical text,
 * ./sample.ts, separates fields with tabs), not blank.
 */
const field = (max: number) =>
  z.string().check(
    z.minLength(1),
    z.maxLength(max),
    z.regex(/^[^\r\n]*$/, { message: 'single-line' }),
    z.regex(/^[^\p{Cc}\p{Cf}\u2028\u2029]*$/u, { message: 'no-control-characters' }),
    z.regex(/\S/, { message: 'single-line' }),
  );

/** A street has a few dozen communities, a county a few hundred villages; 600 rows stay well inside one stored item. */
export const MAX_COMMUNITIES = 600;

export const registeredCommunitySchema = z.strictObject({
  name: field(60),
  kind: z.enum(COMMUNITY_KINDS),
  takingPart: z.boolean(),
  contact: z.strictObject({ name: field(60), telephone }),
});

export const rosterCommunitiesSchema = z.array(registeredCommunitySchema).check(z.maxLength(MAX_COMMUNITIES));

/** Every problem of a roster, each naming the row (`communities[3].name`); nothing is stored with any. */
export function checkRoster(raw: unknown): { ok: true; communities: RegisteredCommunity[] } | { ok: false; problems: Problem[] } {
  const path = 'communities';
  const parsed = parseWithProblems(z.strictObject({ communities: rosterCommunitiesSchema }), { communities: raw });
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  parsed.value.communities.forEach((c, i) => {
    const first = seen.get(c.name.trim());
    if (first !== undefined)
      problems.push(
        makeProblem(`${path}[${i}].name`, 'duplicate', {
          zh: `第 ${i + 1} 行社区/村名称“${c.name}”与第 ${first + 1} 行重复，名称在名单中应唯一`,
          en: `row ${i + 1}: the name "${c.name}" repeats row ${first + 1}; names must be unique in a roster`,
        }),
      );
    else seen.set(c.name.trim(), i);
  });
  return problems.length ? { ok: false, problems } : { ok: true, communities: parsed.value.communities };
}
