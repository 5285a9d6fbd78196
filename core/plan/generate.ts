/**
 * Synthetic plans for load tests and demos: a base plan's phases, rubric and contacts with N made-up
 * units named at the base plan's unit level (u0001 测试县0001 … over counties, 测试街道0001 … over street
 * offices; emails on example.cn, a reserved domain for documentation).
 */
import type { Level, Plan, Unit } from './schema';

/** What a made-up unit of each level is called. */
const TEST_NAME: Record<Level, { zh: string; en: string }> = {
  national: { zh: '测试国', en: 'Test Country' },
  province: { zh: '测试省', en: 'Test Province' },
  city: { zh: '测试市', en: 'Test City' },
  county: { zh: '测试县', en: 'Test County' },
  district: { zh: '测试区', en: 'Test District' },
  township: { zh: '测试乡镇', en: 'Test Township' },
  street: { zh: '测试街道', en: 'Test Subdistrict' },
};

export const MAX_UNITS = 5000;

export function generatePlan({ units, base }: { units: number; base: Plan }): Plan {
  if (!Number.isInteger(units) || units < 1 || units > MAX_UNITS) throw new RangeError(`units must be an integer from 1 to ${MAX_UNITS}`);
  const width = Math.max(4, String(units).length);
  const named = TEST_NAME[base.unitLevel.level];
  const generated: Unit[] = Array.from({ length: units }, (_, i) => {
    const n = String(i + 1).padStart(width, '0');
    return {
      id: `u${n}`,
      name: `${named.zh}${n}`,
      nameEn: `${named.en} ${n}`,
      office: { name: `${named.zh}${n}打传办`, email: `office-u${n}@example.cn` },
      leader: { name: `${named.zh}${n}分管领导`, email: `leader-u${n}@example.cn` },
      certifiedBefore: i % 2 === 0,
    };
  });
  return { ...structuredClone(base), units: generated };
}
