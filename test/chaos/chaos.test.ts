/**
 * The chaos run in CI, with a few kills: the example year, killed with SIGKILL at drawn busy points and
 * restarted from its data directory each time, ends as the uninterrupted year does: the same outcomes,
 * every submission once, every email at least once, and a duplicate only from the window between SES's
 * acceptance and the ledger. The 20-kill run is a benchmark (bench/RESULTS.md).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chaos, chaosPassed, drawKill } from '../../local/chaos/run';
import { parseKill, seededRandom } from '../../local/chaos/shared';
import { REPO_ROOT } from '../../local/twin';

describe('chaos', () => {
  it('draws the same kills from the same seed, later each time, a submit kill just before a scripted submission', () => {
    const acts = { submissions: [Date.parse('2016-05-30T02:00:00Z')], decisions: [] };
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 6 }, (_, i) => drawKill(random, Date.parse('2016-04-01T00:00:00Z') + i * 86_400_000, Date.parse('2016-11-30T00:00:00Z'), 6 - i, acts));
    };
    expect(draw(11)).toEqual(draw(11));
    expect(draw(11)).not.toEqual(draw(12));
    for (const k of draw(11)) {
      if (k.kind === 'submit-committed') expect(k.after).toBe(acts.submissions[0] - 60_000);
      expect(k.kind).not.toBe('task-completed'); // no decisions to move to: drawn as an SES kill instead
    }
    expect(parseKill('ses-accepted@2016-06-01T00:00:00Z')).toEqual({ kind: 'ses-accepted', after: Date.parse('2016-06-01T00:00:00Z') });
    expect(() => parseKill('everything@2016-06-01')).toThrow(/KIND@ISO-INSTANT/);
  });

  it('a year killed three times ends as the uninterrupted year: outcomes, submissions and emails', async () => {
    const result = await chaos({
      plan: join(REPO_ROOT, 'plans/nanping-2016.json'),
      scenario: join(REPO_ROOT, 'scenarios/nanping-2016.json'),
      kills: 3,
      seed: 20161110,
    });
    expect(result.differences).toEqual([]);
    expect(result).toMatchObject({ kills: 3, outcomesEqual: true, submissionsLost: 0, submissionsDuplicated: 0, emailsMissing: 0 });
    expect(result.emailsDuplicated).toBe(result.duplicateWindowHits);
    expect(chaosPassed(result)).toBe(true);
  }, 1_200_000);
});
