/**
 * The plan's rosterRegistration and inspection blocks (core/plan/validate-inspection.ts): optional (a plan
 * without them is valid and hashes as before), and each cross-field rule names its field, zh-CN then en.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveSchedule } from '../../core/plan/schedule';
import { validatePlan } from '../../core/plan/validate';

const BINJIANG = JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8'));
const NANPING = JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8'));
const edit = (f: (p: any) => void) => {
  const p = structuredClone(BINJIANG);
  f(p);
  return p;
};
const problems = (plan: unknown) => {
  const r = validatePlan(plan);
  return r.ok ? [] : r.problems;
};
const rules = (plan: unknown) => problems(plan).map((p) => `${p.path} ${p.rule}`);

describe('rosterRegistration and inspection in a plan', () => {
  it('leaves plans without them valid, with no inspection in their schedule', () => {
    const r = validatePlan(NANPING);
    expect(r.ok).toBe(true);
    if (r.ok) expect(deriveSchedule(r.plan).inspection).toBeUndefined();
  });

  it('derives each window\'s announced draw instant (its first day at drawAt, Beijing) and its results notice (the first sending morning after its last day)', () => {
    const r = validatePlan(BINJIANG);
    expect(r.ok).toBe(true);
    // The window closes on Friday 11 September 2026: the notice goes on Monday the 14th at the plan's send time (08:30).
    if (r.ok) expect(deriveSchedule(r.plan).inspection).toEqual({ windows: [{ windowId: 'cross-check', drawAt: '2026-09-07T01:00:00Z', resultAt: '2026-09-14T00:30:00Z' }] });
  });

  it.each([
    ['a group inspecting the unit its staff come from', (p: any) => (p.inspection.groups[0].units = ['xixing']), ['inspection.groups[0].units[0] inspection.own-unit', 'inspection.groups inspection.unit-not-inspected', 'inspection.groups[2].units[0] inspection.unit-inspected-twice']],
    ['a unit inspected by no group', (p: any) => (p.inspection.groups = p.inspection.groups.slice(0, 2)), ['inspection.groups inspection.unit-not-inspected']],
    ['a unit inspected twice', (p: any) => p.inspection.groups[0].units.push('puyan'), ['inspection.groups[1].units[0] inspection.unit-inspected-twice']],
    ['an unknown unit', (p: any) => p.inspection.groups[0].units.push('nowhere'), ['inspection.groups[0].units[1] inspection.unknown-unit']],
    ['an unknown window', (p: any) => (p.inspection.groups[0].window = 'later'), ['inspection.groups[0].window inspection.unknown-window']],
    ['a window outside the cycle', (p: any) => (p.inspection.windows[0].closes = '2026-10-10'), ['inspection.windows[0].opens inspection.window-outside-cycle']],
    ['a window closing before it opens', (p: any) => (p.inspection.windows[0].closes = '2026-09-06'), ['inspection.windows[0].closes inspection.window-closes-before-opens']],
    ['a ratio above one', (p: any) => (p.inspection.sampling = { numerator: 4, denominator: 3 }), ['inspection.sampling.numerator inspection.ratio-above-one']],
    ['inspection without roster registration', (p: any) => delete p.rosterRegistration, ['rosterRegistration inspection.needs-roster']],
    ['registration due after the window opens', (p: any) => { p.rosterRegistration = { phase: 'self-assessment', due: { date: '2026-09-04', inclusive: true } }; p.inspection.windows[0].opens = '2026-09-01'; }, ['inspection.windows[0].opens inspection.roster-due-after-window']],
    ['registration due outside its phase', (p: any) => (p.rosterRegistration.due.date = '2026-07-01'), ['rosterRegistration.due.date roster.due-outside-phase']],
  ])('refuses %s, naming the field and the rule', (_how, change, expected) => {
    const found = rules(edit(change));
    expect(found.sort()).toEqual([...expected].sort());
    for (const p of problems(edit(change))) {
      expect(p.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(p.message.en).not.toMatch(/^\s*$/);
    }
  });

  it('refuses a member without a telephone, and an inspection without groups', () => {
    expect(rules(edit((p) => delete p.inspection.groups[0].members[0].telephone))).toContain('inspection.groups[0].members[0].telephone required');
    expect(rules(edit((p) => (p.inspection.groups = [])))).toContain('inspection.groups too-few');
  });
});
