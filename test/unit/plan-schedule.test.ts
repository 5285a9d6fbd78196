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

  it('reminds D-3, D-1, D-0 working days before the last day at 09:00 Beijing; D-7 (31 Oct) falls before the phase opens', () => {
    // Working days back from Wed 9 Nov: 8 (1), 7 (2), Fri 4 (3), 3, 2, 1, Mon 31 Oct (7).
    expect(self.reminders).toEqual([
      { milestone: 'D-3', at: '2016-11-04T01:00:00Z' },
      { milestone: 'D-1', at: '2016-11-08T01:00:00Z' },
      { milestone: 'D-0', at: '2016-11-09T01:00:00Z' },
    ]);
  });

  it('climbs the escalation ladder in working days: leader on 10 Nov, city office 3 working days later, criticism draft 5', () => {
    expect(self.escalations).toEqual([
      { level: 1, to: 'unit-leader', at: '2016-11-10T01:00:00Z' },
      { level: 2, to: 'city-office', at: '2016-11-15T01:00:00Z' },
      { level: 3, to: 'criticism-draft', at: '2016-11-17T01:00:00Z' },
    ]);
  });

  it('escalates at 09:00 on 10 November; the review opens then and closes at the end of 30 November', () => {
    expect(self.escalateAt).toBe('2016-11-10T01:00:00Z');
    expect(schedule.review).toEqual({
      deliverableId: 'self-assessment-report',
      opensAt: '2016-11-10T01:00:00Z',
      closesAt: '2016-11-30T15:59:59Z',
      rectificationDays: 7,
      dayCounting: 'working',
      maxRounds: 3,
    });
    expect(schedule.calendar).toMatch(/^chinese-days@/);
    expect(schedule.forwardAt).toBe('2016-12-01T01:00:00Z');
  });

  it('phases close at the end of their last day; deliverables are in due order; a Sunday deadline moves to Monday', () => {
    expect(schedule.phases.map((p) => p.closesAt)).toEqual(['2016-05-31T15:59:59Z', '2016-10-31T15:59:59Z', '2016-11-10T15:59:59Z']);
    expect(schedule.phases[1].deliverables.map((d) => [d.deliverableId, d.dueAt])).toEqual([
      ['progress-report-1', '2016-08-01T15:59:59Z'],
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
    // D-7 working days before Thu 10 Nov is Tue 1 Nov, the phase's first day.
    p.phases[2].deliverables![0].due = { date: '2016-11-10', inclusive: true };
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
      { milestone: 'D-5', at: '2016-11-02T00:30:00Z' },
      { milestone: 'D-2', at: '2016-11-07T00:30:00Z' },
      { milestone: 'D-0', at: '2016-11-09T00:30:00Z' },
    ]);
    expect(scheduleSchema.safeParse(s).success).toBe(true);
  });

  it('the review opens when its phase opens if that is later than the escalation (a Saturday opening moves to Monday)', () => {
    const p = base();
    p.phases[2].closes = '2016-11-12';
    p.phases[3].opens = '2016-11-12';
    expect(deriveSchedule(valid(p)).review.opensAt).toBe('2016-11-14T01:00:00Z');
  });

  it('the district example passes the schedule schema, with an inclusive September deadline', () => {
    const s = deriveSchedule(load('plans/binjiang-streets-2026-example.json'));
    expect(scheduleSchema.safeParse(s).success).toBe(true);
    expect(s.phases[2].deliverables[0].dueAt).toBe('2026-09-04T15:59:59Z');
    // Fri 4 Sep is the last day; Sat 5 Sep is no working day: the first escalation and the review go on Mon 7 Sep.
    expect(s.phases[2].deliverables[0].escalateAt).toBe('2026-09-07T00:30:00Z');
    expect(s.review.opensAt).toBe('2026-09-07T00:30:00Z');
    expect(s.forwardAt).toBe('2026-09-28T00:30:00Z');
  });
});

describe("China's working-day calendar with 调休 (2026 National Day)", () => {
  // A district plan moved to the autumn: the self-assessment report due on 1 October, a public holiday.
  const autumn = (): PlanInput => {
    const p: PlanInput = JSON.parse(readFileSync('plans/binjiang-streets-2026-example.json', 'utf8'));
    p.phases[2].opens = '2026-09-01';
    p.phases[2].closes = '2026-10-09';
    p.phases[2].deliverables![0].due = { date: '2026-10-01', inclusive: true };
    p.phases[3].opens = '2026-10-10';
    p.phases[3].closes = '2026-10-30';
    p.forwardToProvince = { on: '2026-11-02' };
    p.notices = { sendAt: '09:00', reminderDaysBefore: [8, 3, 1, 0] };
    p.escalation = { levels: [{ to: 'unit-leader', afterDays: 0 }, { to: 'city-office', afterDays: 3 }, { to: 'criticism-draft', afterDays: 5 }] };
    return p;
  };

  it('moves a deadline on a public holiday to the first working day after the holiday, and the validator says so', () => {
    const r = validatePlan(autumn());
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => [w.path, w.rule])).toContainEqual(['phases[2].deliverables[0].due', 'deadline.moved']);
    expect(r.warnings.find((w) => w.rule === 'deadline.moved')!.message.zh).toContain('国庆节');
    const d = deriveSchedule(valid(autumn())).phases[2].deliverables[0];
    expect(d.lastDay).toBe('2026-10-08');
    expect(d.dueAt).toBe('2026-10-08T15:59:59Z');
  });

  it('counts 20 September (a Sunday) and 10 October (a Saturday) as working days, 1-7 October and Mid-Autumn as not', () => {
    const d = deriveSchedule(valid(autumn())).phases[2].deliverables[0];
    // Back from Thu 8 Oct: 30 Sep (1), 29 (2), 28 (3), [25-27 Mid-Autumn], 24, 23, 22, 21 (7), Sun 20 Sep (8: 调休).
    expect(d.reminders).toEqual([
      { milestone: 'D-8', at: '2026-09-20T01:00:00Z' },
      { milestone: 'D-3', at: '2026-09-28T01:00:00Z' },
      { milestone: 'D-1', at: '2026-09-30T01:00:00Z' },
      { milestone: 'D-0', at: '2026-10-08T01:00:00Z' },
    ]);
    // Escalations from Fri 9 Oct: +3 working days = Sat 10 (调休), Mon 12, Tue 13; +5 = Thu 15.
    expect(d.escalations.map((e) => e.at)).toEqual(['2026-10-09T01:00:00Z', '2026-10-13T01:00:00Z', '2026-10-15T01:00:00Z']);
  });

  it('keeps a deadline on a holiday when the plan says so, with a warning', () => {
    const p = autumn();
    p.calendar = { overrides: [], nonWorkingDeadline: 'keep' };
    const r = validatePlan(p);
    expect(r.warnings.map((w) => w.rule)).toContain('deadline.non-working-day');
    expect(deriveSchedule(valid(p)).phases[2].deliverables[0].dueAt).toBe('2026-10-01T15:59:59Z');
  });

  it('counting calendar days, a reminder that would fall on a weekend goes out on the working day before, unless the plan says send', () => {
    const p: PlanInput = JSON.parse(readFileSync('plans/nanping-2016.json', 'utf8'));
    p.notices = { sendAt: '09:00', reminderDaysBefore: [3], dayCounting: 'calendar' };
    // 3 calendar days before Wed 9 Nov 2016 is Sun 6 Nov: sent on Fri 4 Nov.
    expect(deriveSchedule(valid(p)).phases[2].deliverables[0].reminders).toEqual([{ milestone: 'D-3', at: '2016-11-04T01:00:00Z' }]);
    p.notices.onNonWorkingDay = 'send';
    expect(deriveSchedule(valid(p)).phases[2].deliverables[0].reminders).toEqual([{ milestone: 'D-3', at: '2016-11-06T01:00:00Z' }]);
  });

  it('a city-declared day off moves what would fall on it', () => {
    const p: PlanInput = JSON.parse(readFileSync('plans/nanping-2016.json', 'utf8'));
    p.calendar = { overrides: [{ date: '2016-11-10', working: false, reason: '市级活动' }], nonWorkingDeadline: 'next-working-day' };
    const d = deriveSchedule(valid(p)).phases[2].deliverables[0];
    expect(d.escalations[0].at).toBe('2016-11-11T01:00:00Z');
  });

  it('flags a plan whose dates run into a year with no published calendar', () => {
    const p = autumn();
    p.forwardToProvince = { on: '2027-01-05' };
    const r = validatePlan(p);
    expect(r.ok).toBe(true);
    expect(r.warnings.find((w) => w.rule === 'calendar.unpublished')?.message.en).toContain('2027');
  });
});
