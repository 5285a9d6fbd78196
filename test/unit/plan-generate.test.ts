import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatePlan } from '../../core/plan/generate';
import { deriveSchedule } from '../../core/plan/schedule';
import { validatePlan } from '../../core/plan/validate';

const r = validatePlan(JSON.parse(readFileSync('plans/nanping-2016.json', 'utf8')));
if (!r.ok) throw new Error('base plan invalid');
const base = r.plan;

describe('generatePlan', () => {
  it.each([100, 2800])('%i units: valid, unique, and the same schedule as the base plan', (n) => {
    const plan = generatePlan({ units: n, base });
    const v = validatePlan(plan);
    expect(v.ok ? [] : v.problems).toEqual([]);
    expect(plan.units).toHaveLength(n);
    expect(plan.units[0]).toMatchObject({ id: 'u0001', name: '测试县0001', office: { email: 'office-u0001@example.cn' } });
    expect(plan.units.at(-1)!.id).toBe(`u${String(n).padStart(4, '0')}`);
    expect(deriveSchedule(plan)).toEqual(deriveSchedule(base));
  });

  it('leaves the base plan untouched', () => {
    generatePlan({ units: 3, base });
    expect(base.units).toHaveLength(10);
  });

  it('rejects a count the schema would reject', () => {
    expect(() => generatePlan({ units: 0, base })).toThrow(RangeError);
    expect(() => generatePlan({ units: 5001, base })).toThrow(RangeError);
  });
});
