/**
 * Time in the campaign's terms: calendar dates and times of day in the plan's zone (Beijing,
 * Asia/Shanghai), turned into absolute UTC instants for the machines and back into Beijing time for people.
 *
 * All day arithmetic goes through `addCalendarDays` so that a working-day calendar (with 调休) can
 * replace it in one place later. Instants are whole seconds: a deadline's inclusive end is 23:59:59 and
 * anything submitted before the next second (…:59.999) is on time.
 */
import { DateTime } from 'luxon';
import type { Deadline } from './plan/schema';

export const BEIJING = 'Asia/Shanghai';

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^(\d{2}):(\d{2})$/;

/** `YYYY-MM-DD` names a day that exists (2016-02-29 yes, 2016-02-30 no). Strings of another shape pass: their shape is checked elsewhere. */
export function isCalendarDate(date: string): boolean {
  const m = LOCAL_DATE.exec(date);
  if (!m) return true;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function day(date: string, zone: string): DateTime {
  const dt = DateTime.fromISO(date, { zone });
  if (!LOCAL_DATE.test(date) || !dt.isValid) throw new RangeError(`not a calendar date: ${date}`);
  return dt;
}

/** `date` plus `days` calendar days (negative to go back), as `YYYY-MM-DD`. */
export function addCalendarDays(date: string, days: number): string {
  // Zone-free on purpose: a calendar date has no time, so UTC arithmetic cannot hit a DST gap.
  return day(date, 'UTC').plus({ days }).toISODate()!;
}

/** The last day that still counts for a deadline: the date itself if inclusive, else the day before ("…前"). */
export function deadlineLastDay(deadline: Deadline): string {
  return deadline.inclusive ? deadline.date : addCalendarDays(deadline.date, -1);
}

/** The inclusive end of a deadline: 23:59:59 (Beijing) on its last day. */
export function deadlineEnd(deadline: Deadline, zone: string = BEIJING): DateTime {
  return dayEnd(deadlineLastDay(deadline), zone);
}

/** 23:59:59 (whole second) of `date` in `zone`. */
export function dayEnd(date: string, zone: string = BEIJING): DateTime {
  return day(date, zone).set({ hour: 23, minute: 59, second: 59, millisecond: 0 });
}

/** `date` at the time of day `hhmm` ('HH:mm') in `zone`. */
export function atLocalTime(date: string, hhmm: string, zone: string = BEIJING): DateTime {
  const m = LOCAL_TIME.exec(hhmm);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new RangeError(`not a time of day: ${hhmm}`);
  return day(date, zone).set({ hour: Number(m[1]), minute: Number(m[2]), second: 0, millisecond: 0 });
}

function toMillis(at: number | string | DateTime): number {
  if (typeof at === 'number') return at;
  if (typeof at === 'string') {
    const ms = DateTime.fromISO(at, { setZone: true }).toMillis();
    if (Number.isNaN(ms)) throw new RangeError(`not an ISO instant: ${at}`);
    return ms;
  }
  return at.toMillis();
}

/** An absolute instant as `YYYY-MM-DDTHH:mm:ssZ` (UTC, no milliseconds: what Step Functions Wait states take). Sub-second parts are truncated. */
export function toUtcInstant(at: number | string | DateTime): string {
  const ms = toMillis(at);
  return new Date(ms - (((ms % 1000) + 1000) % 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export type BeijingStyle = 'datetime' | 'date' | 'iso';

const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * An instant as people read it in Beijing time.
 * - datetime: `2016年11月9日 23:59` (zh) / `9 November 2016, 23:59` (en)
 * - date: `2016年11月9日` / `9 November 2016`
 * - iso: `2016-11-09T23:59:59+08:00`
 */
export function formatBeijing(at: number | string | DateTime, style: BeijingStyle = 'datetime', lang: 'zh' | 'en' = 'zh', zone: string = BEIJING): string {
  const dt = DateTime.fromMillis(toMillis(at), { zone });
  if (style === 'iso') return dt.toISO({ suppressMilliseconds: true, includeOffset: true })!;
  const date = lang === 'zh' ? `${dt.year}年${dt.month}月${dt.day}日` : `${dt.day} ${EN_MONTHS[dt.month - 1]} ${dt.year}`;
  if (style === 'date') return date;
  const time = dt.toFormat('HH:mm');
  return lang === 'zh' ? `${date} ${time}` : `${date}, ${time}`;
}

const WEEKDAYS_ZH = ['星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日'];

/** The weekday (星期一 … 星期日) of an instant in Beijing, or of a calendar date `YYYY-MM-DD`. */
export function weekdayZh(at: number | string | DateTime, zone: string = BEIJING): string {
  const dt = typeof at === 'string' && LOCAL_DATE.test(at) ? day(at, zone) : DateTime.fromMillis(toMillis(at), { zone });
  return WEEKDAYS_ZH[dt.weekday - 1];
}

/** On time iff submitted before the second after the inclusive end, i.e. up to 23:59:59.999. */
export function isOnTime(submittedAtMs: number, dueAt: string): boolean {
  return submittedAtMs < toMillis(dueAt) + 1000;
}

/** Whole seconds from `nowMs` until `at`, at least 1 (a Wait state of 0 s or less is not useful). */
export function secondsUntil(nowMs: number, at: string): number {
  return Math.max(1, Math.ceil((toMillis(at) - nowMs) / 1000));
}

/** The calendar date (`YYYY-MM-DD`) of an instant in `zone` (Beijing by default). */
export function localDateOf(at: number | string | DateTime, zone: string = BEIJING): string {
  return DateTime.fromMillis(toMillis(at), { zone }).toISODate()!;
}
