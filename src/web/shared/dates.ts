import dayjs, { type Dayjs } from 'dayjs';
import 'dayjs/locale/zh-cn';

dayjs.locale('zh-cn');

export const DATE_FORMAT = 'YYYY-MM-DD';
const TZ = 'Asia/Shanghai';

const dateParts = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const timeParts = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

function part(parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes) {
  return parts.find((p) => p.type === type)?.value ?? '';
}

/** Today's business date in Asia/Shanghai, YYYY-MM-DD. */
export function todayShanghai(now = new Date()): string {
  const p = dateParts.formatToParts(now);
  return `${part(p, 'year')}-${part(p, 'month')}-${part(p, 'day')}`;
}

/** A timestamp shown as YYYY-MM-DD HH:mm in Asia/Shanghai. */
export function formatDateTime(iso: string | null | undefined, withSeconds = false): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = timeParts.formatToParts(d);
  const base = `${part(p, 'year')}-${part(p, 'month')}-${part(p, 'day')} ${part(p, 'hour')}:${part(p, 'minute')}`;
  return withSeconds ? `${base}:${part(p, 'second')}` : base;
}

/** A business date (already YYYY-MM-DD) or a dash. */
export function formatDate(s: string | null | undefined): string {
  return s ? s.slice(0, 10) : '—';
}

export function toDayjs(s: string | null | undefined): Dayjs | undefined {
  return s ? dayjs(s, DATE_FORMAT) : undefined;
}

export function fromDayjs(d: Dayjs | null | undefined): string | null {
  return d ? d.format(DATE_FORMAT) : null;
}

/** DatePicker disabledDate: nothing after today (Asia/Shanghai). */
export function afterToday(d: Dayjs): boolean {
  return d.format(DATE_FORMAT) > todayShanghai();
}

export { dayjs };
