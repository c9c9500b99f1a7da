import { Tag } from 'antd';
import { MALL_ITEM_KINDS, MALL_ITEM_STATUSES, REDEMPTION_STATUSES, STOCK_ENTRY_KINDS, type RedemptionStatus } from '../../../contracts/mall';
import { formatDateTime } from '../../shared/dates';
import type { MallItemView } from './api';

// Small pieces shared by the 积分商城 pages (console and phone): tags, the
// sale window and the pick-up deadline in words, why an item cannot be
// redeemed today.

type Kind = keyof typeof MALL_ITEM_KINDS;
type ItemStatus = keyof typeof MALL_ITEM_STATUSES;
export type StockEntryKind = keyof typeof STOCK_ENTRY_KINDS;

const KIND_COLORS: Record<Kind, string> = { goods: 'volcano', service: 'geekblue' };
export const REDEMPTION_COLORS: Record<RedemptionStatus, string> = { reserved: 'processing', fulfilled: 'success', cancelled: 'default', expired: 'warning' };
export const STOCK_ENTRY_COLORS: Record<StockEntryKind, string> = { stock_in: 'green', adjust_out: 'orange', redeem: 'blue', release: 'cyan' };

export const kindOptions = (Object.keys(MALL_ITEM_KINDS) as Kind[]).map((k) => ({ value: k, label: MALL_ITEM_KINDS[k] }));
export const itemStatusOptions = (Object.keys(MALL_ITEM_STATUSES) as ItemStatus[]).map((k) => ({ value: k, label: MALL_ITEM_STATUSES[k] }));
export const redemptionStatusOptions = (Object.keys(REDEMPTION_STATUSES) as RedemptionStatus[]).map((k) => ({ value: k, label: REDEMPTION_STATUSES[k] }));

export function KindTag({ kind }: { kind: Kind }) {
  return (
    <Tag color={KIND_COLORS[kind]} style={{ marginInlineEnd: 0 }}>
      {MALL_ITEM_KINDS[kind]}
    </Tag>
  );
}

export function RedemptionStatusTag({ status }: { status: RedemptionStatus }) {
  return (
    <Tag color={REDEMPTION_COLORS[status]} style={{ marginInlineEnd: 0 }} data-testid="redemption-status">
      {REDEMPTION_STATUSES[status]}
    </Tag>
  );
}

/** 2026-12-01 至 2026-12-31, or 2026-12-01 起长期有效 */
export function saleWindowText(i: Pick<MallItemView, 'saleFrom' | 'saleTo'>): string {
  const from = i.saleFrom.slice(0, 10);
  return i.saleTo ? `${from} 至 ${i.saleTo.slice(0, 10)}` : `${from} 起长期有效`;
}

/** The pick-up deadline: a date as it is, a moment as YYYY-MM-DD HH:mm (Asia/Shanghai). */
export function whenText(s: string | null | undefined): string {
  if (!s) return '—';
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : formatDateTime(s);
}

/**
 * Why a listed item cannot be redeemed today (null when it can): withdrawn,
 * its window not open or closed, no stock. The server has the last word.
 */
export function notOnSaleReason(i: Pick<MallItemView, 'status' | 'saleFrom' | 'saleTo' | 'stock' | 'onSaleToday'>, today: string): string | null {
  if (i.status === 'withdrawn') return '已下架';
  if (i.saleFrom.slice(0, 10) > today) return `${i.saleFrom.slice(0, 10)} 起可兑换`;
  if (i.saleTo && i.saleTo.slice(0, 10) < today) return '兑换期已结束';
  if (i.stock <= 0) return '暂无库存';
  return i.onSaleToday ? null : '今日不可兑换';
}
