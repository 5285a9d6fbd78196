/**
 * The cross-field rules of a plan's roster registration and cross-inspection (issue 10), apart from
 * ./validate.ts, which calls `checkInspection` with the sections that parsed.
 *
 * - the roster registration's deadline falls inside its phase (`roster.due-outside-phase`), which is not the
 *   review (`roster.review-phase`: it is due like a deliverable, ./roster-deliverable.ts);
 * - inspection needs roster registration, due before the first window opens (`inspection.needs-roster`,
 *   `inspection.roster-due-after-window`): samples are drawn from registered rosters;
 * - windows: unique ids, closes on or after opens, inside the cycle (first phase's opening to the review's
 *   last day): `duplicate`, `inspection.window-closes-before-opens`, `inspection.window-outside-cycle`;
 * - the ratio is at most 1 (`inspection.ratio-above-one`);
 * - groups: unique ids, a known window and known units, never inspecting the unit they come from
 *   (`inspection.unknown-window`, `inspection.unknown-unit`, `inspection.own-unit`); every unit inspected
 *   by exactly one group (`inspection.unit-not-inspected`, `inspection.unit-inspected-twice`).
 */
import { makeCalendar } from '../calendar';
import { deadlineLastDay } from '../time';
import { makeProblem, type Problem } from '../validation';
import type { Plan } from './schema';

type Sections = Partial<Plan>;

/**
 * The roster's last day as the schedule will have it: a deadline on a day off moves to the next working day when
 * the plan says so (calendar.nonWorkingDeadline), which may be the window's first day. An unreadable calendar is
 * another rule's problem: the stated day is used.
 */
function rosterLastDay(s: Sections, due: NonNullable<Plan['rosterRegistration']>['due']): string {
  const day = deadlineLastDay(due);
  if (s.calendar?.nonWorkingDeadline !== 'next-working-day') return day;
  try {
    return makeCalendar({ overrides: s.calendar.overrides }).onOrAfter(day);
  } catch {
    return day;
  }
}

export function checkInspection(s: Sections, errors: Problem[]): void {
  const reg = s.rosterRegistration;
  const phases = s.phases ?? [];
  if (reg && phases.length) {
    // The registration is due like a deliverable of its phase (./roster-deliverable.ts); the review phase has none.
    if (reg.phase === 'preliminary-review')
      errors.push(
        makeProblem('rosterRegistration.phase', 'roster.review-phase', {
          zh: '名单登记不能设在初评阶段（preliminary-review）：初评阶段不设报送事项，请改为此前的阶段',
          en: 'the roster registration cannot be in the preliminary-review phase, which has nothing due; give an earlier phase',
        }),
      );
    const phase = phases.find((p) => p.kind === reg.phase);
    const last = deadlineLastDay(reg.due);
    if (phase && (last < phase.opens || last > phase.closes))
      errors.push(
        makeProblem('rosterRegistration.due.date', 'roster.due-outside-phase', {
          zh: `名单登记截止日 ${last} 应在 ${reg.phase} 阶段之内（${phase.opens} 至 ${phase.closes}）`,
          en: `the roster registration's last day ${last} must fall inside the ${reg.phase} phase (${phase.opens} to ${phase.closes})`,
        }),
      );
  }
  const ins = s.inspection;
  if (!ins) return;
  if (!reg)
    errors.push(
      makeProblem('rosterRegistration', 'inspection.needs-roster', {
        zh: '计划设有交叉检查（inspection）时，应同时设定社区/村名单登记（rosterRegistration）：抽样从登记的名单中抽取',
        en: 'a plan with inspection must also have rosterRegistration: samples are drawn from the registered rosters',
      }),
    );

  const first = phases[0]?.opens;
  const review = phases.find((p) => p.kind === 'preliminary-review');
  const windowIds = new Set<string>();
  ins.windows.forEach((w, i) => {
    const at = `inspection.windows[${i}]`;
    if (windowIds.has(w.id))
      errors.push(makeProblem(`${at}.id`, 'duplicate', { zh: `检查时段标识“${w.id}”重复`, en: `the window id "${w.id}" is used twice` }));
    windowIds.add(w.id);
    if (w.closes < w.opens)
      errors.push(
        makeProblem(`${at}.closes`, 'inspection.window-closes-before-opens', {
          zh: `检查时段结束日 ${w.closes} 早于开始日 ${w.opens}`,
          en: `the window closes (${w.closes}) before it opens (${w.opens})`,
        }),
      );
    if (first && review && (w.opens < first || w.closes > review.closes))
      errors.push(
        makeProblem(`${at}.opens`, 'inspection.window-outside-cycle', {
          zh: `检查时段 ${w.opens} 至 ${w.closes} 应在本周期之内（${first} 至 ${review.closes}）`,
          en: `the window ${w.opens} to ${w.closes} must fall inside the cycle (${first} to ${review.closes})`,
        }),
      );
    if (reg && rosterLastDay(s, reg.due) >= w.opens)
      errors.push(
        makeProblem(`${at}.opens`, 'inspection.roster-due-after-window', {
          zh: `名单登记截止日 ${rosterLastDay(s, reg.due)} 应早于检查时段开始日 ${w.opens}：抽样使用已登记的名单`,
          en: `the roster registration's last day ${rosterLastDay(s, reg.due)} must come before the window opens (${w.opens}): the draw uses the registered rosters`,
        }),
      );
  });

  const { numerator, denominator } = ins.sampling;
  if (numerator > denominator)
    errors.push(
      makeProblem('inspection.sampling.numerator', 'inspection.ratio-above-one', {
        zh: `抽样比例 ${numerator}/${denominator} 不得大于 1`,
        en: `the sampling ratio ${numerator}/${denominator} must not be above 1`,
      }),
    );

  const unitIds = s.units ? new Set(s.units.map((u) => u.id)) : null;
  const groupIds = new Set<string>();
  const inspectedBy = new Map<string, string>();
  ins.groups.forEach((g, i) => {
    const at = `inspection.groups[${i}]`;
    if (groupIds.has(g.id))
      errors.push(makeProblem(`${at}.id`, 'duplicate', { zh: `检查组标识“${g.id}”重复`, en: `the group id "${g.id}" is used twice` }));
    groupIds.add(g.id);
    if (!windowIds.has(g.window))
      errors.push(
        makeProblem(`${at}.window`, 'inspection.unknown-window', {
          zh: `检查组“${g.name}”的检查时段“${g.window}”不在 inspection.windows 中`,
          en: `the group "${g.id}" names the window "${g.window}", which is not in inspection.windows`,
        }),
      );
    if (g.fromUnit !== undefined && unitIds && !unitIds.has(g.fromUnit))
      errors.push(
        makeProblem(`${at}.fromUnit`, 'inspection.unknown-unit', {
          zh: `检查组“${g.name}”所属单位“${g.fromUnit}”不在 units 中`,
          en: `the group "${g.id}" comes from the unit "${g.fromUnit}", which is not in units`,
        }),
      );
    g.units.forEach((u, j) => {
      const path = `${at}.units[${j}]`;
      if (unitIds && !unitIds.has(u))
        errors.push(
          makeProblem(path, 'inspection.unknown-unit', {
            zh: `检查组“${g.name}”检查的单位“${u}”不在 units 中`,
            en: `the group "${g.id}" inspects the unit "${u}", which is not in units`,
          }),
        );
      if (u === g.fromUnit)
        errors.push(
          makeProblem(path, 'inspection.own-unit', {
            zh: `检查组“${g.name}”由“${u}”人员组成，不得检查本单位`,
            en: `the group "${g.id}" is drawn from "${u}" and must not inspect its own unit`,
          }),
        );
      const other = inspectedBy.get(u);
      if (other !== undefined)
        errors.push(
          makeProblem(path, 'inspection.unit-inspected-twice', {
            zh: `单位“${u}”已由检查组“${other}”检查，每个单位只能由一个检查组检查`,
            en: `the unit "${u}" is already inspected by the group "${other}": each unit is inspected by exactly one group`,
          }),
        );
      else inspectedBy.set(u, g.id);
    });
  });
  for (const u of s.units ?? [])
    if (!inspectedBy.has(u.id))
      errors.push(
        makeProblem('inspection.groups', 'inspection.unit-not-inspected', {
          zh: `单位“${u.name}”（${u.id}）没有检查组检查，每个单位应由一个检查组检查`,
          en: `no group inspects the unit "${u.id}": each unit is inspected by exactly one group`,
        }),
      );
}

/** The group that inspects the unit, and its window (a valid plan with inspection has exactly one). */
export function inspectionOf(plan: Plan, unitId: string) {
  const ins = plan.inspection;
  if (!ins) return null;
  const group = ins.groups.find((g) => g.units.includes(unitId));
  const window = group && ins.windows.find((w) => w.id === group.window);
  return group && window ? { group, window, sampling: ins.sampling, drawAt: ins.drawAt } : null;
}
