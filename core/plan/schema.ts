/**
 * The cycle plan (创建工作方案) as data. One file per city per year; nothing about any city is hard-coded.
 *
 * Dates are calendar dates in the plan's time zone (Asia/Shanghai). A deadline names a date and whether
 * that date itself is included: "11月10日前" (before 10 November) is `{date: "2016-11-10", inclusive: false}`
 * and ends at 2016-11-09T23:59:59+08:00; "11月10日(含)前" is `inclusive: true` and ends at
 * 2016-11-10T23:59:59+08:00. The derived instants live in ./schedule.ts.
 *
 * This file holds the shape only; rules that span fields (order of phases, deadlines inside their phase,
 * unique ids...) are in ./validate.ts.
 */
import * as z from 'zod/mini';
import { isCalendarDate } from '../time';

export const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const LOCAL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
export const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** A telephone number as offices write it: `0599-8823456`, `(0571) 8770 2110`, `13800000000`, `0599-8823456转8001`. */
export const TELEPHONE = /^\+?[(0-9][0-9 ()-]{4,23}(转[0-9]{1,6})?$/;

/** A calendar date that exists: 2016-02-30 fails with 'calendar-date'. */
export const localDate = z
  .string()
  .check(z.regex(LOCAL_DATE, { message: 'date' }), z.refine(isCalendarDate, { message: 'calendar-date' }));
export const localTime = z.string().check(z.regex(LOCAL_TIME, { message: 'time' }));
export const slug = z.string().check(z.regex(SLUG, { message: 'slug' }));
/** Single-line text: no CR/LF, because plan text reaches email subjects and headers. */
export const line = (max: number) =>
  z.string().check(z.minLength(1), z.maxLength(max), z.regex(/^[^\r\n]*$/, { message: 'single-line' }));
export const email = z.email().check(z.maxLength(254));
export const telephone = z.string().check(z.regex(TELEPHONE, { message: 'telephone' }));
const int = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
/** The 签收 period (review.signingDays) of a plan that does not state one, and of a cycle stored before plans had it. */
export const DEFAULT_SIGNING_DAYS = 2;
/** 上报确认: days (see notices.dayCounting) before the forwarding day on which the running office is asked to confirm the list. */
export const DEFAULT_CONFIRMATION_DAYS_BEFORE = 3;

export const deadlineSchema = z.strictObject({
  date: localDate,
  /** true: the date itself is included (…(含)前 / 截至…); false: "before" the date (…前). */
  inclusive: z.boolean(),
});

export const contactSchema = z.strictObject({
  name: z.optional(line(60)),
  email,
});

export const unitSchema = z.strictObject({
  id: slug,
  name: line(60),
  nameEn: z.optional(line(120)),
  /** 县打传办: the county office, receives what is due, receipts, reminders. */
  office: contactSchema,
  /** 分管领导: the leader in charge, receives escalations. */
  leader: contactSchema,
  /** Already certified in an earlier year (已创建). Informational. */
  certifiedBefore: z._default(z.boolean(), false),
});

/**
 * Levels of government, from the top. A plan's running office is one level above its units and below the
 * superior its list goes to: a city (市) over its counties (县(市、区), the `county` level, which `district`
 * names too), a district (区) over its street offices (街道) or townships (乡镇), a province over its cities.
 */
export const LEVELS = ['national', 'province', 'city', 'county', 'district', 'township', 'street'] as const;
export type Level = (typeof LEVELS)[number];
/** How far down a level sits: a county and a district are the same tier (县级), a township and a street too (乡级). */
export const LEVEL_TIER: Record<Level, number> = { national: 0, province: 1, city: 2, county: 3, district: 3, township: 4, street: 4 };
export const level = z.enum(LEVELS);

export const PHASE_KINDS = ['mobilisation', 'rollout', 'self-assessment', 'preliminary-review'] as const;
export const phaseKind = z.enum(PHASE_KINDS);

export const deliverableSchema = z.strictObject({
  id: slug,
  name: line(60),
  nameEn: line(120),
  due: deadlineSchema,
  /** The deliverable the city's preliminary review (初评) decides on: exactly one in a plan. */
  reviewed: z._default(z.boolean(), false),
});

export const phaseSchema = z.strictObject({
  kind: phaseKind,
  name: line(40),
  nameEn: line(80),
  /** First day of the phase; its opening notice goes out on this day at `notices.sendAt`. */
  opens: localDate,
  /** Last day of the phase (inclusive). */
  closes: localDate,
  deliverables: z._default(z.array(deliverableSchema).check(z.maxLength(24)), []),
});

export const rubricItemSchema = z.strictObject({
  id: slug,
  title: line(200),
  titleEn: z.optional(line(300)),
  maxPoints: int(0, 100),
  evidence: line(300),
  /** standard items add up to the sheet's total; bonus/deduction items adjust it; a veto item fails the unit. */
  kind: z._default(z.enum(['standard', 'bonus', 'deduction', 'veto']), 'standard'),
});

// ---- Registered rosters and cross-inspection (issue 10): optional, so plans without them stay valid ----------

/**
 * 社区/村名单登记: each unit registers its communities and villages (name, kind, taking part or not, contact)
 * in this phase, by this deadline. Inspection samples are drawn from the registered rosters.
 */
export const rosterRegistrationSchema = z.strictObject({
  phase: phaseKind,
  due: deadlineSchema,
});

/** A fraction such as 1/3: the share of a unit's communities taking part that an inspection group visits. */
export const samplingRatioSchema = z.strictObject({ numerator: int(1, 100), denominator: int(1, 100) });

export const inspectionWindowSchema = z.strictObject({
  id: slug,
  name: line(40),
  nameEn: z.optional(line(80)),
  /** First day of the window: the samples of the units inspected in it are drawn on it at `inspection.drawAt`. */
  opens: localDate,
  /** Last day of the window (inclusive). */
  closes: localDate,
});

export const inspectionMemberSchema = z.strictObject({
  name: line(60),
  /** e.g. 组长 (group leader), 组员. */
  role: z.optional(line(20)),
  email,
  telephone,
});

export const inspectionGroupSchema = z.strictObject({
  id: slug,
  name: line(60),
  nameEn: z.optional(line(120)),
  /** The window (inspection.windows[].id) in which the group inspects. */
  window: slug,
  /** The unit whose staff make up the group (cross-inspection between streets): it never inspects that unit. */
  fromUnit: z.optional(slug),
  /** The units (units[].id) the group inspects. */
  units: z.array(slug).check(z.minLength(1), z.maxLength(5000)),
  members: z.array(inspectionMemberSchema).check(z.minLength(1), z.maxLength(30)),
});

/** 交叉检查: windows, groups and the sampling ratio (rounded up, at least one community of a non-empty roster). */
export const inspectionSchema = z.strictObject({
  windows: z.array(inspectionWindowSchema).check(z.minLength(1), z.maxLength(10)),
  /** Time of day (Beijing) on a window's first day: the announced draw instant of its samples. */
  drawAt: z._default(localTime, '09:00'),
  sampling: samplingRatioSchema,
  groups: z.array(inspectionGroupSchema).check(z.minLength(1), z.maxLength(500)),
});

export const planSchema = z.strictObject({
  schemaVersion: z.literal(1),
  cycleId: slug,
  year: int(2000, 2100),
  timeZone: z.literal('Asia/Shanghai'),
  title: line(120),
  /**
   * The running office (本级打传办): the city over its counties in Nanping's plan, a district over its street
   * offices in Binjiang's. Every email and document names it and its level in these words.
   */
  city: z.strictObject({
    /** The running office's level of government. */
    level,
    /** e.g. 南平市, 杭州市滨江区 */
    name: line(40),
    /** e.g. Nanping, Binjiang District, Hangzhou */
    nameEn: line(80),
    /** e.g. 南平市打击传销工作领导小组办公室 */
    office: line(80),
    /** e.g. Nanping Office for Combating Pyramid Selling */
    officeEn: line(160),
    /** The office's short name, heading every email's subject: 【南平市打传办】. */
    shortName: line(40),
    /** How the texts call this level's office: 市打传办 / 区打传办 ("经市打传办初评"); English: the city office. */
    officeWord: line(20),
    officeWordEn: line(60),
    /** How the texts call the whole area: 全市 / 全区 ("影响全市创建工作进度"); English: the city, the district. */
    areaWord: line(20),
    areaWordEn: line(60),
    email,
    /** Where escalations to the city go (市打传办 leadership); defaults to the office email. */
    leaderEmail: z.optional(email),
    /** The office's contact person and telephone (联系人、联系电话), in every email's signature. */
    contact: z.strictObject({ name: line(60), telephone }),
  }),
  /** The level of the plan's units and its words: 县(市、区) / 街道 / 市; county, counties / street office(s). */
  unitLevel: z.strictObject({
    level,
    /** e.g. 县(市、区), 街道: "无传销县(市、区)", "各街道". */
    word: line(20),
    /** e.g. county, street office */
    wordEn: line(40),
    /** e.g. counties, street offices */
    wordEnPlural: line(40),
  }),
  /**
   * The superior (上级) the qualifying list goes to (上报): the province's bureau (省局) over a city, the city
   * office (杭州市打传办) over a district. Called `province` since the first plans; its `level` says which.
   */
  province: z.strictObject({
    level,
    /** e.g. 福建省工商行政管理局, 杭州市打击传销工作领导小组办公室 */
    name: line(80),
    nameEn: line(160),
    /** How the texts call it: 省局 ("将上报省局考评认定") / 杭州市打传办; English: the provincial bureau. */
    shortName: line(40),
    shortNameEn: line(80),
    /** Where the list goes. */
    email,
  }),
  /** The document that issued the plan (印发文件): its issuer, 文号 and date, in every email's signature. */
  issuingDocument: z.strictObject({
    /** e.g. 南平市打击传销工作领导小组办公室 */
    issuer: line(80),
    /** 文号, e.g. 南打传办〔2016〕3号 */
    number: line(60),
    issuedOn: localDate,
  }),
  /** Sender shown on every email (must be an SES-verified identity on AWS). */
  sender: z.strictObject({ name: line(60), email }),
  /** Where units act (the portal); used in every email's link. */
  portalUrl: z.url().check(z.maxLength(200)),
  units: z.array(unitSchema).check(z.minLength(1), z.maxLength(5000)),
  phases: z.array(phaseSchema).check(z.length(PHASE_KINDS.length)),
  /** China's official working-day calendar (with 调休) is built in; the city office may override days. */
  calendar: z._default(
    z.strictObject({
      overrides: z._default(
        z.array(z.strictObject({ date: localDate, working: z.boolean(), reason: line(100) })).check(z.maxLength(366)),
        [],
      ),
      /** A deadline whose last day is not a working day moves to the next working day (the validator says so), or stays. */
      nonWorkingDeadline: z._default(z.enum(['next-working-day', 'keep']), 'next-working-day'),
    }),
    { overrides: [], nonWorkingDeadline: 'next-working-day' },
  ),
  notices: z.strictObject({
    /** Time of day (Beijing) at which opening notices, reminders and escalations go out. */
    sendAt: z._default(localTime, '09:00'),
    /** Days before each deadline's last day on which a reminder goes out (0 = on the day itself). */
    reminderDaysBefore: z._default(z.array(int(0, 60)).check(z.maxLength(10)), [7, 3, 1, 0]),
    /** How reminder offsets, escalation intervals and rectification periods count: working days (default) or calendar days. */
    dayCounting: z._default(z.enum(['working', 'calendar']), 'working'),
    /** 'shift': nothing goes out on a non-working day (a reminder moves to the working day before, an escalation or opening notice to the next); 'send': send anyway. */
    onNonWorkingDay: z._default(z.enum(['shift', 'send']), 'shift'),
    /** Email languages: formal zh-CN always; with 'en', an English version follows the Chinese in each email. */
    languages: z._default(z.array(z.enum(['zh-CN', 'en'])).check(z.minLength(1), z.maxLength(2)), ['zh-CN']),
  }),
  escalation: z.strictObject({
    /**
     * The ladder for a missed deadline, following the hierarchy: each level `afterDays` days after the first
     * day following the deadline. unit-leader: the county's leader in charge (分管领导); city-office: the city
     * office; criticism-draft: a drafted notice of criticism (通报批评) and a proposal to list the unit for
     * supervision (挂牌督办), sent to the city office to confirm.
     */
    levels: z._default(
      z
        .array(z.strictObject({ to: z.enum(['unit-leader', 'city-office', 'criticism-draft']), afterDays: int(0, 60) }))
        .check(z.minLength(1), z.maxLength(5)),
      [
        { to: 'unit-leader', afterDays: 0 },
        { to: 'city-office', afterDays: 3 },
        { to: 'criticism-draft', afterDays: 5 },
      ],
    ),
    /** Put the unit's own office in copy of the leader's escalation. */
    ccUnitOffice: z._default(z.boolean(), true),
  }),
  review: z.strictObject({
    /** Days (see notices.dayCounting) a returned unit gets to rectify (限期整改), counted from the day of the decision. */
    rectificationDays: int(1, 90),
    /** How many review rounds at most (first review plus resubmissions). */
    maxRounds: z._default(int(1, 5), 3),
    /**
     * 签收期限: days (see notices.dayCounting) a unit has to sign for (签收) a rectification notice, counted from
     * the day it went out, to the end of the last day (Beijing). Left unsigned and unanswered after it, the
     * notice climbs the escalation ladder. The default keeps older plan files valid.
     */
    signingDays: z._default(int(1, 30), DEFAULT_SIGNING_DAYS),
  }),
  /**
   * The targets a unit's self-assessment is measured against, in whole percent: 创建覆盖率 (created
   * communities of all) and 合格率 (qualified of the created ones), and the day by which they must be met.
   * Nanping's plan asks 90 and 80 (DOMAIN.md); other offices set their own.
   */
  targets: z.strictObject({
    coveragePercent: int(1, 100),
    passRatePercent: int(1, 100),
    /** The last day (inclusive) by which a unit must reach them. */
    metBy: localDate,
  }),
  /** The day the qualifying list goes to the superior (`province`: 上报省局 / 上报市打传办), at `notices.sendAt`. */
  forwardToProvince: z.strictObject({
    on: localDate,
    /**
     * 上报确认: the running office is asked to confirm the list this many days (see notices.dayCounting) before
     * `on`, at `notices.sendAt`; the list goes only once confirmed (core/use-cases/forwarding.ts). The default
     * keeps older plan files valid.
     */
    confirmationDaysBefore: z._default(int(1, 30), DEFAULT_CONFIRMATION_DAYS_BEFORE),
  }),
  rubric: z.strictObject({
    total: z._default(int(1, 1000), 100),
    items: z.array(rubricItemSchema).check(z.minLength(1), z.maxLength(200)),
  }),
  /** 社区/村名单登记 (issue 10): when units register their communities. */
  rosterRegistration: z.optional(rosterRegistrationSchema),
  /** 交叉检查 (issue 10): inspection windows, groups and the sampling ratio. */
  inspection: z.optional(inspectionSchema),
});

export type PlanInput = z.input<typeof planSchema>;
export type Plan = z.output<typeof planSchema>;
export type Unit = Plan['units'][number];
export type Phase = Plan['phases'][number];
export type PhaseKind = (typeof PHASE_KINDS)[number];
export type Deliverable = Phase['deliverables'][number];
export type Deadline = z.output<typeof deadlineSchema>;
export type RubricItem = Plan['rubric']['items'][number];
export type EscalationLevel = Plan['escalation']['levels'][number];
export type Inspection = z.output<typeof inspectionSchema>;
export type InspectionGroup = Inspection['groups'][number];
export type InspectionWindow = Inspection['windows'][number];
export type SamplingRatio = z.output<typeof samplingRatioSchema>;
