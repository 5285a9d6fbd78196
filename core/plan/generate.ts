/**
 * Synthetic plans for load tests and demos: a base plan's phases, rubric and contacts with N made-up
 * units (u0001 测试县0001 …, emails on example.cn, a reserved domain for documentation).
 */
import type { Plan, Unit } from './schema';

export const MAX_UNITS = 5000;

export function generatePlan({ units, base }: { units: number; base: Plan }): Plan {
  if (!Number.isInteger(units) || units < 1 || units > MAX_UNITS) throw new RangeError(`units must be an integer from 1 to ${MAX_UNITS}`);
  const width = Math.max(4, String(units).length);
  const generated: Unit[] = Array.from({ length: units }, (_, i) => {
    const n = String(i + 1).padStart(width, '0');
    return {
      id: `u${n}`,
      name: `测试县${n}`,
      nameEn: `Test County ${n}`,
      office: { name: `测试县${n}打传办`, email: `office-u${n}@example.cn` },
      leader: { name: `测试县${n}分管领导`, email: `leader-u${n}@example.cn` },
      certifiedBefore: i % 2 === 0,
    };
  });
  return { ...structuredClone(base), units: generated };
}
