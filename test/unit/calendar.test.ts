import { describe, expect, it } from 'vitest';
import { CALENDAR_SOURCE, makeCalendar } from '../../core/calendar';

// Expected values are read by hand from chinese-days@1.5.7 (dist/chinese-days.json) and a wall calendar:
// 2026-02-14, 2026-02-28, 2026-10-10 are Saturdays; 2026-09-20, 2026-10-11 are Sundays; 2026-03-01 is a Sunday.
const cal = makeCalendar();

describe('the official calendar', () => {
  it('records its data source and version', () => {
    expect(CALENDAR_SOURCE).toBe('chinese-days@1.5.7');
    expect(cal.source).toBe(CALENDAR_SOURCE);
  });

  it('National Day 2026: 1–7 October off, 调休 on Sunday 20 September and Saturday 10 October', () => {
    for (let d = 1; d <= 7; d++) {
      const date = `2026-10-0${d}`;
      expect(cal.isWorkingDay(date), date).toBe(false);
      expect(cal.describe(date)).toEqual({ kind: 'holiday', nameZh: '国庆节', nameEn: 'National Day' });
    }
    expect(cal.isWorkingDay('2026-09-20')).toBe(true);
    expect(cal.isWorkingDay('2026-10-10')).toBe(true);
    expect(cal.describe('2026-09-20')).toEqual({ kind: 'adjusted-workday', nameZh: '国庆节', nameEn: 'National Day' });
    expect(cal.describe('2026-10-10')).toEqual({ kind: 'adjusted-workday', nameZh: '国庆节', nameEn: 'National Day' });
    expect(cal.isWorkingDay('2026-10-08')).toBe(true);
    expect(cal.describe('2026-10-08')).toEqual({ kind: 'workday' });
    expect(cal.isWorkingDay('2026-10-11')).toBe(false);
    expect(cal.describe('2026-10-11')).toEqual({ kind: 'weekend' });
  });

  it('Spring Festival 2026: 15–23 February off, Saturdays 14 and 28 February are 调休 working days', () => {
    for (let d = 15; d <= 23; d++) expect(cal.isWorkingDay(`2026-02-${d}`), `2026-02-${d}`).toBe(false);
    expect(cal.describe('2026-02-17')).toEqual({ kind: 'holiday', nameZh: '春节', nameEn: 'Spring Festival' });
    expect(cal.describe('2026-02-14')).toEqual({ kind: 'adjusted-workday', nameZh: '春节', nameEn: 'Spring Festival' });
    expect(cal.describe('2026-02-28')).toEqual({ kind: 'adjusted-workday', nameZh: '春节', nameEn: 'Spring Festival' });
    expect(cal.isWorkingDay('2026-02-13')).toBe(true);
    expect(cal.isWorkingDay('2026-02-24')).toBe(true);
    // Saturday 21 February is inside the holiday, Saturday 7 March is an ordinary weekend.
    expect(cal.describe('2026-03-07')).toEqual({ kind: 'weekend' });
  });
});

describe('stepping over days off', () => {
  it('onOrAfter / onOrBefore', () => {
    expect(cal.onOrAfter('2026-10-01')).toBe('2026-10-08');
    expect(cal.onOrAfter('2026-10-08')).toBe('2026-10-08');
    expect(cal.onOrBefore('2026-10-07')).toBe('2026-09-30');
    expect(cal.onOrBefore('2026-10-11')).toBe('2026-10-10');
    expect(cal.onOrBefore('2026-09-30')).toBe('2026-09-30');
    expect(cal.onOrAfter('2026-02-21')).toBe('2026-02-24');
  });

  it('addWorkingDays across National Day', () => {
    expect(cal.addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
    // back from Friday 9 October: 8 Oct (1), 1–7 Oct off, 30 Sep (2), 29 Sep (3)
    expect(cal.addWorkingDays('2026-10-09', -3)).toBe('2026-09-29');
    // forward from Thursday 8 October: 9 Oct (1), Saturday 10 Oct is 调休 (2), Sunday 11 off, 12 Oct (3)
    expect(cal.addWorkingDays('2026-10-08', 3)).toBe('2026-10-12');
    // from inside the holiday: the first working day after it is day 1
    expect(cal.addWorkingDays('2026-10-03', 1)).toBe('2026-10-08');
    expect(cal.addWorkingDays('2026-10-03', 0)).toBe('2026-10-08');
  });

  it('addWorkingDays over a plain weekend (March 2026)', () => {
    expect(cal.addWorkingDays('2026-03-06', 1)).toBe('2026-03-09'); // Friday -> Monday
    expect(cal.addWorkingDays('2026-03-09', -1)).toBe('2026-03-06'); // Monday -> Friday
    expect(cal.addWorkingDays('2026-03-07', 1)).toBe('2026-03-09'); // Saturday itself does not count
    expect(cal.addWorkingDays('2026-03-07', 0)).toBe('2026-03-09');
    expect(cal.addWorkingDays('2026-03-02', 10)).toBe('2026-03-16'); // two full weeks
    expect(cal.addWorkingDays('2026-03-04', 0)).toBe('2026-03-04');
  });

  it('workingDaysBetween counts after `from` up to and including `to`', () => {
    // 29, 30 Sep; 1–7 Oct off; 8, 9, and Saturday 10 Oct (调休)
    expect(cal.workingDaysBetween('2026-09-28', '2026-10-10')).toBe(5);
    expect(cal.workingDaysBetween('2026-09-30', '2026-10-08')).toBe(1);
    expect(cal.workingDaysBetween('2026-10-01', '2026-10-07')).toBe(0);
    expect(cal.workingDaysBetween('2026-10-08', '2026-10-08')).toBe(0);
    expect(cal.workingDaysBetween('2026-10-09', '2026-10-08')).toBe(0);
    expect(cal.workingDaysBetween('2026-03-06', '2026-03-13')).toBe(5);
  });

  it('addWorkingDays and workingDaysBetween agree', () => {
    for (const [from, n] of [['2026-09-15', 12], ['2026-02-10', 9], ['2026-12-25', 6]] as const) {
      expect(cal.workingDaysBetween(from, cal.addWorkingDays(from, n))).toBe(n);
    }
  });
});

describe("the city office's overrides", () => {
  const city = makeCalendar({
    overrides: [
      { date: '2026-03-11', working: false, reason: '市级放假' }, // a Wednesday
      { date: '2026-03-14', working: true, reason: '集中考评' }, // a Saturday
      { date: '2026-10-05', working: true, reason: '国庆值班' }, // inside the national holiday
    ],
  });

  it('a day off on a Wednesday and a working Saturday', () => {
    expect(cal.isWorkingDay('2026-03-11')).toBe(true);
    expect(city.isWorkingDay('2026-03-11')).toBe(false);
    expect(city.describe('2026-03-11')).toEqual({ kind: 'override-off', nameZh: '市级放假' });
    expect(cal.isWorkingDay('2026-03-14')).toBe(false);
    expect(city.isWorkingDay('2026-03-14')).toBe(true);
    expect(city.describe('2026-03-14')).toEqual({ kind: 'override-working', nameZh: '集中考评' });
  });

  it('win over the national data and feed the arithmetic', () => {
    expect(city.isWorkingDay('2026-10-05')).toBe(true);
    expect(city.addWorkingDays('2026-09-30', 1)).toBe('2026-10-05');
    expect(city.addWorkingDays('2026-03-10', 1)).toBe('2026-03-12');
    expect(city.addWorkingDays('2026-03-13', 1)).toBe('2026-03-14');
    expect(city.workingDaysBetween('2026-03-09', '2026-03-16')).toBe(5); // 10, 12, 13, Sat 14, 16
    expect(city.onOrBefore('2026-03-11')).toBe('2026-03-10');
  });

  it('rejects a bad override date and conflicting overrides', () => {
    expect(() => makeCalendar({ overrides: [{ date: '2026-13-01', working: false, reason: 'x' }] })).toThrow(RangeError);
    expect(() =>
      makeCalendar({
        overrides: [
          { date: '2026-03-11', working: false, reason: 'a' },
          { date: '2026-03-11', working: true, reason: 'b' },
        ],
      }),
    ).toThrow(/2026-03-11/);
  });
});

describe('years the State Council has not published yet', () => {
  it('knows which years are in the data', () => {
    expect(cal.isPublished(2026)).toBe(true);
    expect(cal.isPublished(2016)).toBe(true);
    expect(cal.isPublished(2027)).toBe(false);
    expect(cal.unpublishedYears('2026-11-01', '2027-03-01')).toEqual([2027]);
    expect(cal.unpublishedYears('2026-01-01', '2026-12-31')).toEqual([]);
    expect(cal.unpublishedYears('2027-03-01', '2026-11-01')).toEqual([]);
  });

  it('falls back to Monday–Friday in 2027', () => {
    expect(cal.isWorkingDay('2027-01-01')).toBe(true); // a Friday; New Year is not in the data yet
    expect(cal.describe('2027-01-01')).toEqual({ kind: 'workday' });
    expect(cal.isWorkingDay('2027-01-02')).toBe(false); // Saturday
    expect(cal.addWorkingDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(cal.addWorkingDays('2027-01-01', 1)).toBe('2027-01-04');
  });
});

describe('input validation', () => {
  it.each(['2026-02-30', '2026/10/01', '2026-1-5', '', '2026-10-01T00:00:00'])('%j throws a RangeError naming it', (bad) => {
    expect(() => cal.isWorkingDay(bad)).toThrow(RangeError);
    expect(() => cal.onOrAfter(bad)).toThrow(new RangeError(`not a calendar date: ${bad}`));
  });

  it('checks every argument', () => {
    expect(() => cal.workingDaysBetween('2026-10-01', '2026-02-30')).toThrow(/2026-02-30/);
    expect(() => cal.unpublishedYears('2026/11/01', '2027-03-01')).toThrow(RangeError);
    expect(() => cal.addWorkingDays('2026-10-01', 1.5)).toThrow(RangeError);
    expect(() => cal.isPublished(2026.5)).toThrow(RangeError);
    expect(cal.isWorkingDay('2024-02-29')).toBe(true); // leap day exists
  });
});
