import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scheduleSchema } from '../../core/plan/schedule-schema';
import { deriveSchedule } from '../../core/plan/schedule';
import type { Plan, PlanInput } from '../../core/plan/schema';
import { validatePlan } from '../../core/plan/validate';

function load(file: string): Plan {
  return valid(JSON.parse(readFileSync(file, 'utf8')));
}
function valid(raw: PlanInput): Plan {
  const r = validatePlan(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.plan;
}

describe('the Nanping 2016 schedule', () => {
  const schedule = deriveSchedule(load('plans/nanping-2016.json'));
  const self = schedule.phases[2].deliverables[0];

  it('passes the schedule schema', () => {
    expect(scheduleSchema.safeParse(schedule).success).toBe(true);
  });

  it('kicks off on 1 April at 09:00 Beijing', () => {
    expect(schedule.phases.map((p) => p.kind)).toEqual(['mobilisation', 'rollout', 'self-assessment']);
    expect(schedule.phases[0].opensAt).toBe('2016-04-01T01:00:00Z');
  });

  it('the self-assessment report is due before 10 November: 23:59:59 Beijing on 9 November', () => {
    expect(self.deliverableId).toBe('self-assessment-report');
    expect(self.dueAt).toBe('2016-11-09T15:59:59Z');
  });

  it('reminds D-7, D-3, D-1, D-0 at 09:00 Beijing counted back from the last day', () => {
    expect(self.reminders).toEqual([
      { milestone: 'D-7', at: '2016-11-02T01:00:00Z' },
      { milestone: 'D-3', at: '2016-11-06T01:00:00Z' },
      { milestone: 'D-1', at: '2016-11-08T01:00:00Z' },
      { milestone: 'D-0', at: '2016-11-09T01:00:00Z' },
    ]);
  });

  it('escalates at 09:00 on 10 November; the review opens then and closes at the end of 30 November', () => {
    expect(self.escalateAt).toBe('2016-11-10T01:00:00Z');
    expect(schedule.review).toEqual({
      deliverableId: 'self-assessment-report',
      opensAt: '2016-11-10T01:00:00Z',
      closesAt: '2016-11-30T15:59:59Z',
      rectificationDays: 7,
      maxRounds: 3,
    });
    expect(schedule.forwardAt).toBe('2016-12-01T01:00:00Z');
  });

  it('phases close at the end of their last day; deliverables are in due order', () => {
    expect(schedule.phases.map((p) => p.closesAt)).toEqual(['2016-05-31T15:59:59Z', '2016-10-31T15:59:59Z', '2016-11-10T15:59:59Z']);
    expect(schedule.phases[1].deliverables.map((d) => [d.deliverableId, d.dueAt])).toEqual([
      ['progress-report-1', '2016-07-31T15:59:59Z'],
      ['progress-report-2', '2016-10-31T15:59:59Z'],
    ]);
  });
});

describe('schedule rules', () => {
  const base = (): PlanInput => JSON.parse(readFileSync('plans/nanping-2016.json', 'utf8'));

  it('drops reminders before the phase opens', () => {
    const p = base();
    p.phases[2].deliverables![0].due = { date: '2016-11-03', inclusive: true };
    const self = deriveSchedule(valid(p)).phases[2].deliverables[0];
    expect(self.reminders.map((r) => r.milestone)).toEqual(['D-1', 'D-0']);
    expect(self.reminders[0].at).toBe('2016-11-02T01:00:00Z');
  });

  it('a reminder on the phase opening instant is kept', () => {
    const p = base();
    p.phases[2].deliverables![0].due = { date: '2016-11-08', inclusive: true };
    expect(deriveSchedule(valid(p)).phases[2].deliverables[0].reminders[0]).toEqual({ milestone: 'D-7', at: '2016-11-01T01:00:00Z' });
  });

  it('drops a reminder at or after the due time (sendAt late in the day is still before 23:59:59)', () => {
    const p = base();
    p.notices!.sendAt = '23:59';
    const self = deriveSchedule(valid(p)).phases[2].deliverables[0];
    expect(self.reminders.at(-1)).toEqual({ milestone: 'D-0', at: '2016-11-09T15:59:00Z' });
  });

  it('sorts reminder days, drops repeats and follows sendAt', () => {
    const p = base();
    p.notices = { sendAt: '08:30', reminderDaysBefore: [0, 2, 5] };
    const s = deriveSchedule(valid(p));
    expect(s.phases[2].deliverables[0].reminders).toEqual([
      { milestone: 'D-5', at: '2016-11-04T00:30:00Z' },
      { milestone: 'D-2', at: '2016-11-07T00:30:00Z' },
      { milestone: 'D-0', at: '2016-11-09T00:30:00Z' },
    ]);
    expect(scheduleSchema.safeParse(s).success).toBe(true);
  });

  it('the review opens when its phase opens if that is later than the escalation', () => {
    const p = base();
    p.phases[2].closes = '2016-11-12';
    p.phases[3].opens = '2016-11-12';
    expect(deriveSchedule(valid(p)).review.opensAt).toBe('2016-11-12T01:00:00Z');
  });

  it('the district example passes the schedule schema, with an inclusive September deadline', () => {
    const s = deriveSchedule(load('plans/binjiang-streets-2026-example.json'));
    expect(scheduleSchema.safeParse(s).success).toBe(true);
    expect(s.phases[2].deliverables[0].dueAt).toBe('2026-09-04T15:59:59Z');
    expect(s.phases[2].deliverables[0].escalateAt).toBe('2026-09-05T00:30:00Z');
    expect(s.review.opensAt).toBe('2026-09-05T00:30:00Z');
    expect(s.forwardAt).toBe('2026-09-28T00:30:00Z');
  });
});
