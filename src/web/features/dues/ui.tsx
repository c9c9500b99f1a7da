import { Tag } from 'antd';
import type { Rule } from 'antd/es/form';
import { BILL_STATUSES, REDUCTION_STATUSES } from '../../../contracts/dues';
import { useCurrentOrg } from '../../shared/current-org';
import { dayjs, todayShanghai } from '../../shared/dates';
import { useMe } from '../../shared/session';

// Small pieces shared by the 党费 pages: 元 ⇄ 分 without floating point,
// months, the current org and the status tags.

const YUAN_RE = /^\d{1,9}(\.\d{0,2})?$/;

/** "12.3" → 1230 分 exactly (string arithmetic, no floats); null when not a valid amount. */
export function yuanToFen(input: string | null | undefined): number | null {
  const s = (input ?? '').trim();
  if (!YUAN_RE.test(s)) return null;
  const [int, frac = ''] = s.split('.');
  return Number(int) * 100 + Number((frac + '00').slice(0, 2));
}

/** 1230 分 → "12.30" (for form inputs). */
export function fenToYuanInput(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** 分 → "1,234.50" (tables: the column header says 元). */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}${Math.floor(a / 100).toLocaleString('zh-CN')}.${String(a % 100).padStart(2, '0')}`;
}

/** A form rule for an amount in 元 (up to 2 decimals). */
export function yuanRule(opts: { required?: string; positive?: boolean } = {}): Rule {
  return {
    validator: async (_r, v: unknown) => {
      const s = typeof v === 'string' ? v.trim() : '';
      if (!s) {
        if (opts.required) throw new Error(opts.required);
        return;
      }
      const fen = yuanToFen(s);
      if (fen === null) throw new Error('请输入金额（元），最多两位小数，如 4850.00');
      if (opts.positive && fen <= 0) throw new Error('金额须大于0');
    },
  };
}

export const currentMonth = () => todayShanghai().slice(0, 7);
export const nextMonth = () => dayjs(`${currentMonth()}-01`).add(1, 'month').format('YYYY-MM');
export const shiftMonth = (m: string, n: number) => dayjs(`${m}-01`).add(n, 'month').format('YYYY-MM');

/** Months between a month and a date's month (date 2026-11-03, month 2026-04 → 7). */
export function monthsBefore(month: string, date: string): number {
  const [y1, m1] = month.split('-').map(Number);
  const [y2, m2] = date.split('-').map(Number);
  return (y2 - y1) * 12 + (m2 - m1);
}

/** 1.5% from basis points (150). */
export const rateText = (bp: number | null | undefined) => (bp === null || bp === undefined ? '固定金额' : `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : bp % 10 === 0 ? 1 : 2)}%`);

/** The org the dues pages work on: the header's current org, else the first scope root. */
export function useDuesOrg(): string | undefined {
  const me = useMe().data;
  const current = useCurrentOrg(me?.username ?? '');
  return current ?? me?.scopeRoots[0]?.id;
}

const BILL_COLORS = { unpaid: 'orange', paid: 'green', exempt: 'default' } as const;
export function BillStatusTag({ status, reduced }: { status: keyof typeof BILL_STATUSES; reduced?: boolean }) {
  return (
    <>
      <Tag color={BILL_COLORS[status]}>{BILL_STATUSES[status]}</Tag>
      {reduced && status !== 'exempt' && <Tag color="blue">少交</Tag>}
    </>
  );
}

const REDUCTION_COLORS = { proposed: 'processing', approved: 'success', rejected: 'error', withdrawn: 'default' } as const;
export function ReductionStatusTag({ status }: { status: keyof typeof REDUCTION_STATUSES }) {
  return <Tag color={REDUCTION_COLORS[status]}>{REDUCTION_STATUSES[status]}</Tag>;
}

