/** Instants shown in Beijing time, whatever the browser's own zone (a laptop abroad, a misconfigured PC). */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import 'dayjs/locale/zh-cn';
import { currentLang } from './i18n';

dayjs.extend(utc);
dayjs.extend(timezone);

export const BEIJING = 'Asia/Shanghai';

/** `2016年11月10日 10:00` for an ISO instant. */
export const beijingText = (iso: string | null | undefined) =>
  iso ? dayjs(iso).tz(BEIJING).format(currentLang() === 'en' ? 'D MMM YYYY HH:mm' : 'YYYY年M月D日 HH:mm') : '—';

/** `2016年11月18日` for a Beijing calendar date (YYYY-MM-DD). */
export const dateText = (date: string | null | undefined) =>
  date ? dayjs(date).format(currentLang() === 'en' ? 'D MMM YYYY' : 'YYYY年M月D日') : '—';

export { dayjs };

/** A count of days as the plan counts them: `3 个工作日`, or `3 天` (never `3 个天`). */
export function dayCount(n: number, dayCounting: 'working' | 'calendar' | string) {
  if (currentLang() === 'en') return dayCounting === 'working' ? `${n} working day${n === 1 ? '' : 's'}` : `${n} day${n === 1 ? '' : 's'}`;
  return dayCounting === 'working' ? `${n} 个工作日` : `${n} 天`;
}
