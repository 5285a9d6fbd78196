/**
 * China's official working-day calendar (the State Council's yearly 放假安排, with 调休), plus the city
 * office's own overrides (e.g. a local holiday, or a Saturday it declares a working day).
 *
 * Rules, strongest first: an override; a date in the data's `holidays` is off; a date in its `workdays`
 * is a working day (调休上班, even on a weekend); otherwise Monday–Friday work and Saturday–Sunday rest.
 * A year the data does not cover yet (the State Council publishes late in the preceding year) falls back
 * to Monday–Friday, and `isPublished` says so, so callers can warn.
 *
 * Dates are calendar strings in Beijing ('YYYY-MM-DD'); arithmetic runs on whole UTC days so the machine's
 * zone never matters. The data is indexed once per module load: lookups are Map/Set hits.
 */
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import pkg from 'chinese-days/package.json' with { type: 'json' };

export type LocalDate = string; // 'YYYY-MM-DD' (a calendar date in Beijing)
export interface CalendarOverride { date: LocalDate; working: boolean; reason: string }
export type DayKind = 'workday' | 'weekend' | 'holiday' | 'adjusted-workday' /* 调休上班 */ | 'override-working' | 'override-off';
export interface WorkingCalendar {
  /** The data's source and version, e.g. "chinese-days@1.5.7", recorded with every derived schedule. */
  readonly source: string;
  isWorkingDay(date: LocalDate): boolean;
  /** kind and name (e.g. 国庆节 / National Day) of a day. */
  describe(date: LocalDate): { kind: DayKind; nameZh?: string; nameEn?: string };
  /** Whether the State Council's calendar for that year is in the data (a year is published when the data has any holiday in it). */
  isPublished(year: number): boolean;
  /** The years between two dates (inclusive) whose calendar is not published. */
  unpublishedYears(from: LocalDate, to: LocalDate): number[];
  /** `date` itself if working, else the next working day after it. */
  onOrAfter(date: LocalDate): LocalDate;
  /** `date` itself if working, else the last working day before it. */
  onOrBefore(date: LocalDate): LocalDate;
  /** The n-th working day after `date` (n > 0) or before it (n < 0), not counting `date` itself; n = 0 → onOrAfter(date). */
  addWorkingDays(date: LocalDate, n: number): LocalDate;
  /** Working days after `from` up to and including `to` (0 if to <= from). "还剩 N 个工作日" on day `from` before a deadline on `to` is workingDaysBetween(from, to). */
  workingDaysBetween(from: LocalDate, to: LocalDate): number;
}

export const CALENDAR_SOURCE: string = `chinese-days@${pkg.version}`;

interface DayName { nameEn: string; nameZh: string }

const MS_PER_DAY = 86_400_000;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a 'YYYY-MM-DD' that exists; anything else is a RangeError naming it. */
function dayNumber(date: LocalDate): number {
  const m = typeof date === 'string' ? LOCAL_DATE.exec(date) : null;
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const t = new Date(Date.UTC(y, mo - 1, d));
    // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear keeps the year as written.
    t.setUTCFullYear(y);
    if (t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d) return t.getTime() / MS_PER_DAY;
  }
  throw new RangeError(`not a calendar date: ${String(date)}`);
}

function dateOf(dayNo: number): LocalDate {
  return new Date(dayNo * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01, day 0, was a Thursday). */
function weekdayOf(dayNo: number): number {
  return (((dayNo + 4) % 7) + 7) % 7;
}

function isWeekend(dayNo: number): boolean {
  const w = weekdayOf(dayNo);
  return w === 0 || w === 6;
}

/** The data's entries are "English,中文,n"; an English name may itself hold no comma, but split defensively from the right. */
function parseName(entry: string): DayName {
  const parts = entry.split(',');
  if (parts.length < 3) return { nameEn: entry, nameZh: entry };
  return { nameEn: parts.slice(0, -2).join(','), nameZh: parts[parts.length - 2] };
}

function index(table: Record<string, string>): Map<number, DayName> {
  const out = new Map<number, DayName>();
  for (const [date, entry] of Object.entries(table)) out.set(dayNumber(date), parseName(entry));
  return out;
}

const HOLIDAYS = index(data.holidays as Record<string, string>);
const ADJUSTED_WORKDAYS = index(data.workdays as Record<string, string>);
const PUBLISHED_YEARS = new Set(Object.keys(data.holidays).map((d) => Number(d.slice(0, 4))));

function checkYear(year: number): number {
  if (!Number.isInteger(year)) throw new RangeError(`not a year: ${year}`);
  return year;
}

function checkCount(n: number): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a whole number of working days: ${n}`);
  return n;
}

/** The official calendar with `overrides` applied. Overrides are validated up front: a bad date or two conflicting entries for one date throw a RangeError. */
export function makeCalendar(opts: { overrides?: CalendarOverride[] } = {}): WorkingCalendar {
  const overrides = new Map<number, CalendarOverride>();
  for (const o of opts.overrides ?? []) {
    const dayNo = dayNumber(o.date);
    const previous = overrides.get(dayNo);
    if (previous && previous.working !== o.working) {
      throw new RangeError(`conflicting calendar overrides for ${o.date}: ${previous.reason} / ${o.reason}`);
    }
    overrides.set(dayNo, o);
  }

  const working = (dayNo: number): boolean => {
    const o = overrides.get(dayNo);
    if (o) return o.working;
    if (HOLIDAYS.has(dayNo)) return false;
    if (ADJUSTED_WORKDAYS.has(dayNo)) return true;
    return !isWeekend(dayNo);
  };

  const next = (dayNo: number, step: 1 | -1): number => {
    let d = dayNo;
    while (!working(d)) d += step;
    return d;
  };

  return {
    source: CALENDAR_SOURCE,

    isWorkingDay: (date) => working(dayNumber(date)),

    describe(date) {
      const dayNo = dayNumber(date);
      const o = overrides.get(dayNo);
      // The reason is the office's own words (usually Chinese), so it stands as the Chinese name.
      if (o) return { kind: o.working ? 'override-working' : 'override-off', nameZh: o.reason };
      const holiday = HOLIDAYS.get(dayNo);
      if (holiday) return { kind: 'holiday', ...holiday };
      const adjusted = ADJUSTED_WORKDAYS.get(dayNo);
      if (adjusted) return { kind: 'adjusted-workday', ...adjusted };
      return { kind: isWeekend(dayNo) ? 'weekend' : 'workday' };
    },

    isPublished: (year) => PUBLISHED_YEARS.has(checkYear(year)),

    unpublishedYears(from, to) {
      const [a, b] = [dayNumber(from), dayNumber(to)];
      const out: number[] = [];
      if (b < a) return out;
      for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) if (!PUBLISHED_YEARS.has(y)) out.push(y);
      return out;
    },

    onOrAfter: (date) => dateOf(next(dayNumber(date), 1)),

    onOrBefore: (date) => dateOf(next(dayNumber(date), -1)),

    addWorkingDays(date, n) {
      let d = dayNumber(date);
      checkCount(n);
      if (n === 0) return dateOf(next(d, 1));
      const step = n > 0 ? 1 : -1;
      for (let left = Math.abs(n); left > 0; left--) d = next(d + step, step);
      return dateOf(d);
    },

    workingDaysBetween(from, to) {
      const [a, b] = [dayNumber(from), dayNumber(to)];
      let count = 0;
      for (let d = a + 1; d <= b; d++) if (working(d)) count++;
      return count;
    },
  };
}
