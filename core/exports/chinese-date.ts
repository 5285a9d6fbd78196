/**
 * Dates written out in Chinese numerals, as the 成文日期 of an official document was written before
 * GB/T 9704-2012 (二〇一六年十二月一日). The 2012 edition prefers Arabic numerals; the offices this product
 * serves still sign this way, so the documents do too.
 */
import { ValidationError } from '../errors';
import { makeProblem } from '../validation';

const DIGITS = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 31 -> 三十一 (1..99). */
export function chineseNumber(n: number): string {
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  if (tens === 0) return DIGITS[ones];
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones === 0 ? '' : DIGITS[ones]}`;
}

/** The year digit by digit: 2016 -> 二〇一六. */
export const chineseYear = (year: number) => String(year).split('').map((d) => DIGITS[Number(d)]).join('');

/** `2016-12-01` -> 二〇一六年十二月一日. A string that is not a real calendar date is a ValidationError. */
export function chineseDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  const real = m !== null && mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (!real) {
    throw new ValidationError([
      makeProblem('date', 'format.date', { zh: `日期“${isoDate}”应为真实的 YYYY-MM-DD 日期`, en: `date "${isoDate}" must be a real YYYY-MM-DD date` }),
    ]);
  }
  return `${chineseYear(y)}年${chineseNumber(mo)}月${chineseNumber(d)}日`;
}
