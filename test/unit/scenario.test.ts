/**
 * The simulator's scenario: an extension the city grants compiles into an 'extend' action at its instant,
 * and the unit's submission timings count from its extended deadline.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveSchedule } from '../../core/plan/schedule';
import { validatePlan } from '../../core/plan/validate';
import { compileScenario, scenarioSchema } from '../../local/scenario';

const checked = validatePlan(JSON.parse(readFileSync(new URL('../../plans/nanping-2016.json', import.meta.url), 'utf8')));
if (!checked.ok) throw new Error('example plan invalid');
const plan = checked.plan;

describe('scenario extensions', () => {
  it('compile into an extend action, and the unit submits relative to its new deadline', () => {
    // Prepare
    const scenario = scenarioSchema.parse({
      default: { submissions: { '*': { daysBeforeDue: 1 } } },
      units: {
        songxi: {
          extensions: [{ deliverableId: 'self-assessment-report', at: '2016-11-03T15:00:00+08:00', lastDay: '2016-11-16', reason: '县领导班子调整' }],
        },
      },
    });

    // Act
    const actions = compileScenario(scenario, plan, deriveSchedule(plan));

    // Assess
    expect(actions.filter((a) => a.kind === 'extend')).toEqual([
      { at: Date.parse('2016-11-03T15:00:00+08:00'), kind: 'extend', unitId: 'songxi', deliverableId: 'self-assessment-report', lastDay: '2016-11-16', reason: '县领导班子调整' },
    ]);
    const report = (unitId: string) => actions.find((a) => a.kind === 'submit' && a.unitId === unitId && a.deliverableId === 'self-assessment-report')!;
    expect(new Date(report('songxi').at).toISOString()).toBe('2016-11-15T02:00:00.000Z');
    expect(new Date(report('yanping').at).toISOString()).toBe('2016-11-08T02:00:00.000Z');
  });

  it('refuses an extension whose instant is not a date-time', () => {
    const parsed = scenarioSchema.safeParse({
      default: {},
      units: { songxi: { extensions: [{ deliverableId: 'self-assessment-report', at: '2016-11-03', lastDay: '2016-11-16', reason: 'x' }] } },
    });
    expect(parsed.success).toBe(false);
  });
});
