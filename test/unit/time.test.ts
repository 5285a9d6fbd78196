import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  atLocalTime,
  deadlineEnd,
  deadlineLastDay,
  formatBeijing,
  isCalendarDate,
  isOnTime,
  localDateOf,
  secondsUntil,
  toUtcInstant,
  weekdayZh,
} from '../../core/time';

const Z = 'Asia/Shanghai';

describe('deadlines in Beijing time', () => {
  it('"before 10 November" (inclusive: false) ends at 23:59:59 Beijing on 9 November', () => {
    const end = deadlineEnd({ date: '2016-11-10', inclusive: false }, Z);
    expect(toUtcInstant(end)).toBe('2016-11-09T15:59:59Z');
    expect(formatBeijing(end.toMillis(), 'iso')).toBe('2016-11-09T23:59:59+08:00');
    expect(deadlineLastDay({ date: '2016-11-10', inclusive: false })).toBe('2016-11-09');
  });

  it('"up to and including 10 November" (inclusive: true) ends at 23:59:59 Beijing on 10 November', () => {
    expect(toUtcInstant(deadlineEnd({ date: '2016-11-10', inclusive: true }, Z))).toBe('2016-11-10T15:59:59Z');
  });

  it('crosses month and year boundaries for "before the 1st"', () => {
    expect(toUtcInstant(deadlineEnd({ date: '2017-01-01', inclusive: false }, Z))).toBe('2016-12-31T15:59:59Z');
    expect(toUtcInstant(deadlineEnd({ date: '2016-03-01', inclusive: false }, Z))).toBe('2016-02-29T15:59:59Z');
  });

  it('23:59:59(.999) Beijing on the last day is on time; 00:00:00 the next day is late', () => {
    const dueAt = '2016-11-09T15:59:59Z';
    expect(isOnTime(Date.parse('2016-11-09T23:59:59+08:00'), dueAt)).toBe(true);
    expect(isOnTime(Date.parse('2016-11-09T23:59:59.999+08:00'), dueAt)).toBe(true);
    expect(isOnTime(Date.parse('2016-11-10T00:00:00+08:00'), dueAt)).toBe(false);
    expect(isOnTime(Date.parse('2016-11-09T15:59:59Z'), dueAt)).toBe(true);
    expect(isOnTime(Date.parse('2016-11-09T16:00:00Z'), dueAt)).toBe(false);
  });

  it('a UTC instant 15:59:59Z is still the Beijing day, 16:00:00Z is the next', () => {
    expect(formatBeijing('2016-11-09T15:59:59Z', 'date')).toBe('2016年11月9日');
    expect(formatBeijing('2016-11-09T16:00:00Z', 'date')).toBe('2016年11月10日');
    expect(weekdayZh('2016-11-09T15:59:59Z')).toBe('星期三');
    expect(weekdayZh('2016-11-09T16:00:00Z')).toBe('星期四');
  });
});

describe('local times and instants', () => {
  it('09:00 Beijing is 01:00Z', () => {
    expect(toUtcInstant(atLocalTime('2016-04-01', '09:00', Z))).toBe('2016-04-01T01:00:00Z');
    expect(toUtcInstant(atLocalTime('2016-04-01', '00:00', Z))).toBe('2016-03-31T16:00:00Z');
  });

  it('rejects malformed times and dates', () => {
    expect(() => atLocalTime('2016-04-01', '24:00', Z)).toThrow(RangeError);
    expect(() => atLocalTime('2016-02-30', '09:00', Z)).toThrow(RangeError);
  });

  it('toUtcInstant drops milliseconds (truncates) and accepts ms, ISO and DateTime', () => {
    expect(toUtcInstant(Date.parse('2016-11-09T15:59:59.999Z'))).toBe('2016-11-09T15:59:59Z');
    expect(toUtcInstant('2016-11-09T23:59:59+08:00')).toBe('2016-11-09T15:59:59Z');
  });

  it('formats for people in zh and en', () => {
    const ms = Date.parse('2016-11-09T15:59:59Z');
    expect(formatBeijing(ms, 'datetime')).toBe('2016年11月9日 23:59');
    expect(formatBeijing(ms, 'datetime', 'en')).toBe('9 November 2016, 23:59');
    expect(formatBeijing(ms, 'date', 'en')).toBe('9 November 2016');
    expect(formatBeijing(ms, 'iso')).toBe('2016-11-09T23:59:59+08:00');
  });

  it('weekdayZh of a calendar date', () => {
    expect(weekdayZh('2016-11-10')).toBe('星期四');
    expect(weekdayZh('2016-11-13')).toBe('星期日');
  });
});

describe('calendar days', () => {
  it('adds and subtracts across months, leap days and years', () => {
    expect(addCalendarDays('2016-11-09', -7)).toBe('2016-11-02');
    expect(addCalendarDays('2016-02-28', 1)).toBe('2016-02-29');
    expect(addCalendarDays('2017-02-28', 1)).toBe('2017-03-01');
    expect(addCalendarDays('2016-12-31', 1)).toBe('2017-01-01');
  });

  it('knows real dates', () => {
    expect(isCalendarDate('2016-02-29')).toBe(true);
    expect(isCalendarDate('2016-02-30')).toBe(false);
    expect(isCalendarDate('2017-02-29')).toBe(false);
    expect(isCalendarDate('2016-13-01')).toBe(false);
    expect(isCalendarDate('2016-11-31')).toBe(false);
  });
});

describe('secondsUntil', () => {
  it('counts whole seconds up, and is at least 1', () => {
    const at = '2016-11-09T15:59:59Z';
    expect(secondsUntil(Date.parse(at) - 10_000, at)).toBe(10);
    expect(secondsUntil(Date.parse(at) - 9_500, at)).toBe(10);
    expect(secondsUntil(Date.parse(at), at)).toBe(1);
    expect(secondsUntil(Date.parse(at) + 60_000, at)).toBe(1);
  });
});

describe('localDateOf', () => {
  it('is the Beijing calendar date of an instant', () => {
    expect(localDateOf('2016-11-09T15:59:59Z')).toBe('2016-11-09');
    expect(localDateOf('2016-11-09T16:00:00Z')).toBe('2016-11-10');
  });
});
