/**
 * Is this plan one the product can run? The shape first (./schema.ts), then the rules that span fields:
 * phase order and dates, deadlines inside their phase, the one reviewed deliverable, unique ids, the
 * rubric total. Every finding is a Problem (path, stable rule, zh/en message); warnings do not stop a plan.
 *
 * When the shape is wrong somewhere, the cross-field rules still run on the top-level sections that did
 * parse, so an author sees as many problems as possible in one pass.
 */
import { isRosterDeliverable } from './roster-deliverable';
import { makeCalendar, type WorkingCalendar } from '../calendar';
import { deadlineLastDay, isCalendarDate } from '../time';
import { makeProblem, problemsFromIssues, type Problem } from '../validation';
import { checkInspection } from './validate-inspection';
import { LEVEL_TIER, PHASE_KINDS, planSchema, type Level, type Phase, type Plan } from './schema';

export type ValidatePlanResult =
  | { ok: true; plan: Plan; warnings: Problem[] }
  | { ok: false; problems: Problem[]; warnings: Problem[] };

type Sections = Partial<Plan>;

const KIND_ZH: Record<string, string> = {
  mobilisation: '动员部署(mobilisation)',
  rollout: '实施推广(rollout)',
  'self-assessment': '检查考评(self-assessment)',
  'preliminary-review': '初评(preliminary-review)',
};
const ORDER_ZH = PHASE_KINDS.map((k) => KIND_ZH[k]).join('、');
const ORDER_EN = PHASE_KINDS.join(', ');

export function validatePlan(raw: unknown): ValidatePlanResult {
  const parsed = planSchema.safeParse(raw);
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  let sections: Sections;
  if (parsed.success) {
    sections = parsed.data;
  } else {
    errors.push(...problemsFromIssues(parsed.error.issues, raw));
    sections = parseSections(raw);
  }
  crossFieldRules(sections, errors, warnings);
  if (parsed.success && errors.length === 0) return { ok: true, plan: parsed.data, warnings };
  return { ok: false, problems: errors, warnings };
}

function parseSections(raw: unknown): Sections {
  const out: Record<string, unknown> = {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out;
  const shape = planSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>;
  for (const [key, schema] of Object.entries(shape)) {
    const r = schema.safeParse((raw as Record<string, unknown>)[key]);
    if (r.success) out[key] = r.data;
  }
  return out as Sections;
}

function crossFieldRules(s: Sections, errors: Problem[], warnings: Problem[]): void {
  if (s.phases) checkPhases(s.phases, errors);
  if (s.phases && s.forwardToProvince) checkForward({ ...s, phases: s.phases, forwardToProvince: s.forwardToProvince }, errors, warnings);
  if (s.phases && s.year !== undefined) checkYear(s.year, s.phases, s.forwardToProvince?.on, warnings);
  if (s.units) {
    unique(s.units.map((u) => u.id), (i) => `units[${i}].id`, errors);
    unique(s.units.map((u) => u.name), (i) => `units[${i}].name`, errors);
    s.units.forEach((u, i) => {
      const reserved = reservedUnitId(u.id);
      if (reserved) errors.push(makeProblem(`units[${i}].id`, 'unit.id-reserved', reserved));
    });
  }
  if (s.rubric) {
    unique(s.rubric.items.map((it) => it.id), (i) => `rubric.items[${i}].id`, errors);
    const sum = s.rubric.items.filter((it) => it.kind === 'standard').reduce((a, it) => a + it.maxPoints, 0);
    if (sum !== s.rubric.total)
      errors.push(
        makeProblem('rubric.total', 'rubric.total', {
          zh: `标准评分项分值合计为 ${sum} 分，应等于总分 ${s.rubric.total} 分`,
          en: `the standard items' maxPoints add up to ${sum}, which must equal the total ${s.rubric.total}`,
        }),
      );
  }
  if (s.notices) unique(s.notices.reminderDaysBefore, (i) => `notices.reminderDaysBefore[${i}]`, errors);
  if (s.escalation) checkLadder(s.escalation.levels, errors);
  if (s.review) checkSigning(s.review, s.notices?.dayCounting ?? 'working', warnings);
  if (s.phases) checkCalendar({ ...s, phases: s.phases }, warnings);
  checkLevels(s, errors);
  if (s.phases) checkCycleDates({ ...s, phases: s.phases }, errors, warnings);
  checkInspection(s, errors);
}

const LEVEL_ZH: Record<Level, string> = {
  national: '国家', province: '省级', city: '市级', county: '县级', district: '县级（区）', township: '乡镇级', street: '街道级',
};

/** The units sit one level below the running office, and the superior the list goes to above it. */
function checkLevels(s: Sections, errors: Problem[]): void {
  const office = s.city?.level;
  if (!office) return;
  const units = s.unitLevel?.level;
  if (units && LEVEL_TIER[units] !== LEVEL_TIER[office] + 1)
    errors.push(
      makeProblem('unitLevel.level', 'level.units-not-below', {
        zh: `单位层级 ${units}（${LEVEL_ZH[units]}）应比本级 city.level ${office}（${LEVEL_ZH[office]}）低一级`,
        en: `the units' level ${units} must be one level below the running office's level (city.level) ${office}`,
      }),
    );
  const superior = s.province?.level;
  if (superior && LEVEL_TIER[superior] >= LEVEL_TIER[office])
    errors.push(
      makeProblem('province.level', 'level.superior-not-above', {
        zh: `上报对象层级 ${superior}（${LEVEL_ZH[superior]}）应高于本级 city.level ${office}（${LEVEL_ZH[office]}）`,
        en: `the superior's level ${superior} must be above the running office's level (city.level) ${office}`,
      }),
    );
}

/**
 * The targets' day falls inside the cycle (on or after the first phase opens, by the review's last day: the
 * review measures against them); a plan issued after its first phase opened is worth a second look.
 */
function checkCycleDates(s: Sections & { phases: Phase[] }, errors: Problem[], warnings: Problem[]): void {
  const first = s.phases[0]?.opens;
  const review = s.phases.find((p) => p.kind === 'preliminary-review');
  const metBy = s.targets?.metBy;
  if (first && review && metBy && (metBy < first || metBy > review.closes))
    errors.push(
      makeProblem('targets.metBy', 'targets.met-by-outside-cycle', {
        zh: `达标日期 ${metBy} 应在首个阶段开始日 ${first} 至初评阶段最后一日 ${review.closes} 之间`,
        en: `${metBy} must fall between the first phase's opening, ${first}, and the preliminary review's last day, ${review.closes}`,
      }),
    );
  const issuedOn = s.issuingDocument?.issuedOn;
  if (first && issuedOn && issuedOn > first)
    warnings.push(
      makeProblem('issuingDocument.issuedOn', 'document.issued-after-start', {
        zh: `印发日期 ${issuedOn} 晚于首个阶段开始日 ${first}，请核对`,
        en: `the plan was issued on ${issuedOn}, after its first phase opened on ${first}; please check`,
      }),
    );
}

/** Each rung of the escalation ladder comes after the one before. */
function checkLadder(levels: Plan['escalation']['levels'], errors: Problem[]): void {
  levels.forEach((level, i) => {
    if (i > 0 && level.afterDays <= levels[i - 1].afterDays)
      errors.push(
        makeProblem(`escalation.levels[${i}].afterDays`, 'escalation.order', {
          zh: `督办第 ${i + 1} 级的天数（${level.afterDays}）应大于上一级（${levels[i - 1].afterDays}）`,
          en: `level ${i + 1} comes after ${level.afterDays} days, which must be more than the level before (${levels[i - 1].afterDays})`,
        }),
      );
  });
}

/**
 * An unsigned rectification notice is escalated only while the unit may still rectify: a 签收 period as long
 * as the rectification period leaves it nothing to escalate (unless the city sets a later rectification day).
 */
function checkSigning(review: Plan['review'], dayCounting: Plan['notices']['dayCounting'], warnings: Problem[]): void {
  if (review.signingDays < review.rectificationDays) return;
  const [zh, en] = dayCounting === 'working' ? ['个工作日', 'working days'] : ['天', 'days'];
  warnings.push(
    makeProblem('review.signingDays', 'review.signing-not-before-rectification', {
      zh: `签收期限（${review.signingDays} ${zh}）不短于整改期限（${review.rectificationDays} ${zh}），未签收的限期整改通知在整改期限内不会督办`,
      en: `the signing period (${review.signingDays} ${en}) is not shorter than the rectification period (${review.rectificationDays} ${en}), so an unsigned rectification notice is never escalated before its deadline`,
    }),
  );
}

/**
 * Working-day warnings: a deadline that falls on a non-working day (moved, or kept as the plan says), and
 * dates in a year whose official calendar (with 调休) is not published yet.
 */
function checkCalendar(s: Sections & { phases: Phase[] }, warnings: Problem[]): void {
  const calendar = makeCalendar({ overrides: s.calendar?.overrides ?? [] });
  const policy = s.calendar?.nonWorkingDeadline ?? 'next-working-day';
  s.phases.forEach((phase, pi) =>
    phase.deliverables.forEach((d, di) => {
      const last = deadlineLastDay(d.due);
      if (calendar.isWorkingDay(last)) return;
      const day = calendar.describe(last);
      const why = day.nameZh ? `${day.nameZh}` : '休息日';
      const whyEn = day.nameEn ?? 'a day off';
      const moved = calendar.onOrAfter(last);
      if (policy === 'next-working-day' && moved > phase.closes)
        warnings.push(
          makeProblem(`phases[${pi}].deliverables[${di}].due`, 'deadline.moved-past-phase', {
            zh: `截止日 ${last}（${why}）顺延至 ${moved}，晚于所属阶段（${phase.name}）的结束日期 ${phase.closes}；请确认是否提前截止日或延长该阶段`,
            en: `the last day ${last} (${whyEn}) moves to ${moved}, after its phase (${phase.nameEn}) closes on ${phase.closes}; bring the deadline forward or extend the phase if that is not meant`,
          }),
        );
      warnings.push(
        policy === 'next-working-day'
          ? makeProblem(`phases[${pi}].deliverables[${di}].due`, 'deadline.moved', {
              zh: `截止日 ${last}（${why}）不是工作日，顺延至 ${calendar.onOrAfter(last)}`,
              en: `the last day ${last} (${whyEn}) is not a working day; the deadline moves to ${calendar.onOrAfter(last)}`,
            })
          : makeProblem(`phases[${pi}].deliverables[${di}].due`, 'deadline.non-working-day', {
              zh: `截止日 ${last}（${why}）不是工作日，按计划不顺延`,
              en: `the last day ${last} (${whyEn}) is not a working day; the plan keeps it`,
            }),
      );
    }),
  );
  const first = s.phases[0]?.opens;
  const last = s.forwardToProvince?.on ?? s.phases[s.phases.length - 1]?.closes;
  if (!first || !last) return;
  const missing = calendar.unpublishedYears(first, last);
  if (missing.length)
    warnings.push(
      makeProblem('phases', 'calendar.unpublished', {
        zh: `${missing.join('、')} 年的法定节假日安排（含调休）尚未发布，该年日期暂按周一至周五工作日计算；发布后请更新日历数据`,
        en: `the official holiday calendar (with adjusted working days) for ${missing.join(', ')} is not published yet; those dates count Monday to Friday as working days until it is`,
      }),
    );
}

/** Each value once; a repeat is reported at its own path, naming the first occurrence. */
/**
 * A unit's execution is named `<cycle's execution>--<unit id>`, and `-x<n>` after its n-th extension
 * (core/use-cases/cycle.ts unitExecutionName): an id with `--` in it, or ending in `-x<n>`, could name another
 * unit's execution (unit `yanping-x1` is `yanping` after its first extension), and an extension would then
 * stop the wrong unit's year.
 */
function reservedUnitId(id: string): { zh: string; en: string } | null {
  if (id.includes('--')) return { zh: `单位编号 ${id} 含有连续两个连字符“--”（系统保留，用于区分各单位的流程）`, en: `the unit id ${id} contains "--", which is reserved (it separates the names of the units' executions)` };
  if (/-x\d+$/.test(id)) return { zh: `单位编号 ${id} 以“-x加数字”结尾（系统保留，用于延期后重新启动的流程）`, en: `the unit id ${id} ends in "-x" and digits, which is reserved (it names a unit's execution restarted after an extension)` };
  return null;
}

function unique<T>(values: readonly T[], pathOf: (i: number) => string, errors: Problem[]): void {
  const first = new Map<T, number>();
  values.forEach((v, i) => {
    const j = first.get(v);
    if (j === undefined) first.set(v, i);
    else
      errors.push(
        makeProblem(pathOf(i), 'duplicate', {
          zh: `与 ${pathOf(j)} 重复（${String(v)}），不得重复`,
          en: `duplicates ${pathOf(j)} (${String(v)}); must be unique`,
        }),
      );
  });
}

function checkPhases(phases: Phase[], errors: Problem[]): void {
  // Each kind once, in the campaign's order.
  const seen = new Map<string, number>();
  phases.forEach((p, i) => {
    const j = seen.get(p.kind);
    if (j !== undefined)
      errors.push(
        makeProblem(`phases[${i}].kind`, 'phase.duplicate', {
          zh: `阶段类型 ${p.kind} 与 phases[${j}] 重复，每类阶段只能出现一次`,
          en: `phase kind ${p.kind} repeats phases[${j}]; each kind must appear once`,
        }),
      );
    else seen.set(p.kind, i);
  });
  const missing = PHASE_KINDS.filter((k) => !seen.has(k));
  if (missing.length)
    errors.push(
      makeProblem('phases', 'phase.missing', {
        zh: `缺少阶段：${missing.join('、')}（应依次为 ${ORDER_ZH}）`,
        en: `missing phase(s): ${missing.join(', ')} (the phases must be ${ORDER_EN}, in that order)`,
      }),
    );
  else
    phases.forEach((p, i) => {
      if (p.kind !== PHASE_KINDS[i])
        errors.push(
          makeProblem(`phases[${i}].kind`, 'phase.order', {
            zh: `第 ${i + 1} 个阶段应为 ${PHASE_KINDS[i]}，实为 ${p.kind}（阶段应依次为 ${ORDER_ZH}）`,
            en: `phase ${i + 1} must be ${PHASE_KINDS[i]}, not ${p.kind} (the phases must be ${ORDER_EN}, in that order)`,
          }),
        );
    });

  // Dates: each phase closes on or after it opens; the next opens no earlier than the day the previous closes
  // (a shared hand-over day is allowed: 自评 may close on 10 November when 初评 opens on it).
  phases.forEach((p, i) => {
    if (p.closes < p.opens)
      errors.push(
        makeProblem(`phases[${i}].closes`, 'phase.closes-before-opens', {
          zh: `结束日期 ${p.closes} 早于开始日期 ${p.opens}`,
          en: `closes on ${p.closes}, before the phase opens on ${p.opens}`,
        }),
      );
    const prev = phases[i - 1];
    if (prev && p.opens < prev.closes)
      errors.push(
        makeProblem(`phases[${i}].opens`, 'phase.overlap', {
          zh: `开始日期 ${p.opens} 早于上一阶段（${prev.name}）的结束日期 ${prev.closes}，阶段不得重叠且应按时间先后排列`,
          en: `opens on ${p.opens}, before the previous phase (${prev.nameEn}) closes on ${prev.closes}; phases must not overlap and must be in date order`,
        }),
      );
  });

  // Deliverables: due inside their phase; one reviewed, in self-assessment; none in the review phase.
  const reviewed: string[] = [];
  const ids = new Map<string, string>();
  phases.forEach((p, i) => {
    if (p.kind === 'preliminary-review' && p.deliverables.length > 0)
      errors.push(
        makeProblem(`phases[${i}].deliverables`, 'phase.no-deliverables', {
          zh: '初评阶段不设报送材料，deliverables 应为空',
          en: 'the preliminary-review phase has no deliverables; must be empty',
        }),
      );
    p.deliverables.forEach((d, j) => {
      const at = `phases[${i}].deliverables[${j}]`;
      const prevId = ids.get(d.id);
      if (prevId !== undefined)
        errors.push(
          makeProblem(`${at}.id`, 'duplicate', {
            zh: `与 ${prevId}.id 重复（${d.id}），不得重复`,
            en: `duplicates ${prevId}.id (${d.id}); must be unique`,
          }),
        );
      else ids.set(d.id, at);
      if (isRosterDeliverable(d.id))
        errors.push(
          makeProblem(`${at}.id`, 'deliverable.reserved-id', {
            zh: `“${d.id}”为系统保留标识（社区/村名单登记，由 rosterRegistration 设定），请另取标识`,
            en: `"${d.id}" is reserved for the roster registration (set by rosterRegistration); give the deliverable another id`,
          }),
        );
      if (isCalendarDate(d.due.date)) {
        const last = deadlineLastDay(d.due);
        if (last < p.opens)
          errors.push(
            makeProblem(`${at}.due.date`, 'deadline.before-phase', {
              zh: `截止日期（最后一日 ${last}）早于所属阶段（${p.name}）的开始日期 ${p.opens}`,
              en: `the deadline (last day ${last}) falls before its phase (${p.nameEn}) opens on ${p.opens}`,
            }),
          );
        else if (last > p.closes)
          errors.push(
            makeProblem(`${at}.due.date`, 'deadline.after-phase', {
              zh: `截止日期（最后一日 ${last}）晚于所属阶段（${p.name}）的结束日期 ${p.closes}`,
              en: `the deadline (last day ${last}) falls after its phase (${p.nameEn}) closes on ${p.closes}`,
            }),
          );
      }
      if (d.reviewed) {
        reviewed.push(`${at}.reviewed`);
        if (reviewed.length > 1)
          errors.push(
            makeProblem(`${at}.reviewed`, 'reviewed.multiple', {
              zh: `只能有一项报送材料进入初评（已有 ${reviewed[0]}）`,
              en: `only one deliverable may be reviewed (already ${reviewed[0]})`,
            }),
          );
        if (p.kind !== 'self-assessment')
          errors.push(
            makeProblem(`${at}.reviewed`, 'reviewed.phase', {
              zh: '进入初评的报送材料应属于检查考评(self-assessment)阶段',
              en: 'the reviewed deliverable must belong to the self-assessment phase',
            }),
          );
      }
    });
  });
  if (reviewed.length === 0)
    errors.push(
      makeProblem('phases', 'reviewed.none', {
        zh: '应有且仅有一项报送材料标记为 reviewed: true（自评报告）',
        en: 'exactly one deliverable (the self-assessment report) must be marked reviewed: true',
      }),
    );
}

/**
 * The list goes to the province at `notices.sendAt` on its day, and the review stays open until 23:59:59 of
 * its last day: forwarding on that day (or before) would send every unit still undecided as failing. So the
 * day must come after the review's last day; one that is not a working day moves (or is kept) as notices do.
 */
function checkForward(s: Sections & { phases: Phase[]; forwardToProvince: Plan['forwardToProvince'] }, errors: Problem[], warnings: Problem[]): void {
  const on = s.forwardToProvince.on;
  // The superior in the plan's words when that part parsed (省局, 杭州市打传办).
  const superior = { zh: s.province?.shortName ?? '上级', en: s.province?.shortNameEn ?? 'the superior' };
  const review = s.phases.find((p) => p.kind === 'preliminary-review');
  if (review && on <= review.closes)
    errors.push(
      makeProblem('forwardToProvince.on', 'forward.not-after-review', {
        zh: `上报日期 ${on} 应晚于初评阶段的最后一日 ${review.closes}：初评开放至当日 23:59:59，上报在 ${s.notices?.sendAt ?? '09:00'} 发出，届时尚未决定的单位将按不合格上报${superior.zh}`,
        en: `${on} must come after the preliminary review's last day, ${review.closes}: the review is open until 23:59:59 that day and the list goes at ${s.notices?.sendAt ?? '09:00'}, so units still undecided would go to ${superior.en} as failing`,
      }),
    );
  if (!isCalendarDate(on)) return;
  const calendar = calendarOf(s);
  if (calendar.isWorkingDay(on)) return;
  const day = calendar.describe(on);
  const shift = (s.notices?.onNonWorkingDay ?? 'shift') === 'shift';
  warnings.push(
    makeProblem('forwardToProvince.on', 'forward.non-working-day', {
      zh: shift
        ? `上报日期 ${on}（${day.nameZh ?? '休息日'}）不是工作日，顺延至 ${calendar.onOrAfter(on)} 上报${superior.zh}`
        : `上报日期 ${on}（${day.nameZh ?? '休息日'}）不是工作日，按计划（notices.onNonWorkingDay: send）当日照常上报`,
      en: shift
        ? `${on} (${day.nameEn ?? 'a day off'}) is not a working day; the list goes to ${superior.en} on ${calendar.onOrAfter(on)} instead`
        : `${on} (${day.nameEn ?? 'a day off'}) is not a working day; the plan (notices.onNonWorkingDay: send) sends the list that day anyway`,
    }),
  );
}

/** The plan's calendar, or the official one alone when the overrides themselves are wrong (reported elsewhere). */
function calendarOf(s: Sections): WorkingCalendar {
  try {
    return makeCalendar({ overrides: s.calendar?.overrides ?? [] });
  } catch {
    return makeCalendar();
  }
}

function checkYear(year: number, phases: Phase[], forwardOn: string | undefined, warnings: Problem[]): void {
  const dates: [string, string][] = phases.flatMap((p, i): [string, string][] => [
    [`phases[${i}].opens`, p.opens],
    [`phases[${i}].closes`, p.closes],
  ]);
  if (forwardOn) dates.push(['forwardToProvince.on', forwardOn]);
  for (const [path, date] of dates) {
    const y = Number(date.slice(0, 4));
    if (y < year || y > year + 1)
      warnings.push(
        makeProblem(path, 'year.range', {
          zh: `日期 ${date} 不在计划年度 ${year} 至 ${year + 1} 年内`,
          en: `${date} is outside the plan's years ${year}–${year + 1}`,
        }),
      );
  }
}
