/**
 * The roster registration as one more thing due in its phase (core/plan/roster-deliverable.ts), the rules that keep
 * it so (a reserved id, not in the review phase), and the instants a failed draw is tried again at
 * (core/inspection/draw-retry.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DRAW_RETRY, drawRetryInstants, nextDrawAttempt } from '../../core/inspection/draw-retry';
import { ROSTER_DELIVERABLE_ID } from '../../core/plan/roster-deliverable';
import { deriveSchedule } from '../../core/plan/schedule';
import { validatePlan } from '../../core/plan/validate';

const raw = () => JSON.parse(readFileSync(new URL('../../plans/binjiang-streets-2026-example.json', import.meta.url), 'utf8'));
const valid = (input: unknown) => {
  const r = validatePlan(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
};

describe('the roster registration deadline in the schedule', () => {
  it('is a deliverable of its phase, with the reminders and the ladder any deliverable of that day has', () => {
    const schedule = deriveSchedule(valid(raw()));
    const mobilisation = schedule.phases.find((p) => p.kind === 'mobilisation')!;
    const roster = mobilisation.deliverables.find((d) => d.deliverableId === ROSTER_DELIVERABLE_ID)!;
    expect(roster).toMatchObject({ lastDay: '2026-05-29', dueAt: '2026-05-29T15:59:59Z' });
    expect(roster.reminders).toEqual([
      { milestone: 'D-5', at: '2026-05-22T00:30:00Z' },
      { milestone: 'D-2', at: '2026-05-27T00:30:00Z' },
      { milestone: 'D-0', at: '2026-05-29T00:30:00Z' },
    ]);
    expect(roster.escalations.map((e) => [e.level, e.to, e.at])).toEqual([
      [1, 'unit-leader', '2026-06-01T00:30:00Z'],
      [2, 'city-office', '2026-06-04T00:30:00Z'],
      [3, 'criticism-draft', '2026-06-08T00:30:00Z'],
    ]);
    // Only in its own phase, and never the reviewed deliverable.
    expect(schedule.phases.flatMap((p) => p.deliverables).filter((d) => d.deliverableId === ROSTER_DELIVERABLE_ID)).toHaveLength(1);
    expect(schedule.review.deliverableId).toBe('self-assessment-report');
  });

  it('is absent from a plan that does not ask for a roster', () => {
    const { rosterRegistration: _r, inspection: _i, ...rest } = raw();
    const schedule = deriveSchedule(valid(rest));
    expect(schedule.phases.flatMap((p) => p.deliverables).map((d) => d.deliverableId)).not.toContain(ROSTER_DELIVERABLE_ID);
  });

  it('refuses a plan deliverable that takes the reserved id, and a registration in the review phase', () => {
    const plan = raw();
    plan.phases[0].deliverables[0].id = ROSTER_DELIVERABLE_ID;
    const r = validatePlan(plan);
    if (r.ok) throw new Error('the reserved id must be refused');
    expect(r.problems).toContainEqual(expect.objectContaining({ path: 'phases[0].deliverables[0].id', rule: 'deliverable.reserved-id' }));
    const inReview = raw();
    inReview.rosterRegistration = { phase: 'preliminary-review', due: { date: '2026-09-10', inclusive: true } };
    delete inReview.inspection;
    const r2 = validatePlan(inReview);
    if (r2.ok) throw new Error('the review phase must be refused');
    expect(r2.problems).toContainEqual(expect.objectContaining({ path: 'rosterRegistration.phase', rule: 'roster.review-phase' }));
  });
});

describe('the attempts after a failed draw', () => {
  const DRAW_AT = '2026-09-07T01:00:00Z';

  it('are hourly for a day, then daily at the draw\'s time, until the window closes', () => {
    const attempts = drawRetryInstants(DRAW_AT, '2026-09-11T15:59:59Z');
    expect(attempts).toHaveLength(27);
    expect(attempts.slice(0, 2)).toEqual(['2026-09-07T02:00:00Z', '2026-09-07T03:00:00Z']);
    expect(attempts.slice(23)).toEqual(['2026-09-08T01:00:00Z', '2026-09-09T01:00:00Z', '2026-09-10T01:00:00Z', '2026-09-11T01:00:00Z']);
  });

  it('stop at the cap in a long window, and none are left after the window', () => {
    expect(drawRetryInstants(DRAW_AT, '2026-12-31T15:59:59Z')).toHaveLength(DRAW_RETRY.maxAttempts);
    expect(nextDrawAttempt(Date.parse('2026-09-07T01:03:00Z'), DRAW_AT, '2026-09-11T15:59:59Z')).toBe('2026-09-07T02:00:00Z');
    expect(nextDrawAttempt(Date.parse('2026-09-08T04:00:00Z'), DRAW_AT, '2026-09-11T15:59:59Z')).toBe('2026-09-09T01:00:00Z');
    expect(nextDrawAttempt(Date.parse('2026-09-11T01:02:00Z'), DRAW_AT, '2026-09-11T15:59:59Z')).toBeNull();
  });
});
