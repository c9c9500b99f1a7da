import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { audit } from '../../platform/audit';
import { loadExcel, printSheet } from '../../platform/excel';
import { formatBeijing } from '../../platform/dates';
import { orgInScope } from '../../platform/scope';
import { MALL_ITEM_KINDS, MALL_ITEM_STATUSES, REDEMPTION_EXPORT_LIMIT, REDEMPTION_STATUSES, type ExportRedemptionsQuery } from '../../../contracts/mall';
import { notFound } from '../../platform/errors';
import * as repo from './mall.repo';

// The supplier's reconciliation workbook (积分商城对账): 兑换记录 (the
// redemptions of the filters, with who, what, how many points, the state and
// when it was settled) and 商品库存 (each item's price and counters on the
// business day), printable like every export.

export async function exportRedemptions(deps: Deps, ctx: ActorContext, query: ExportRedemptionsQuery): Promise<{ data: Buffer; fileName: string }> {
  const scope = orgInScope(ctx.actor, 'mall.read');
  const org = query.orgId ? await repo.orgOf(deps.db, query.orgId, scope) : null;
  if (query.orgId && !org) throw notFound();
  const today = deps.clock.today();
  const [{ rows }, items] = await Promise.all([
    repo.listRedemptions(deps.db, scope, { orgPath: org?.path, itemId: query.itemId, status: query.status, from: query.from, to: query.to }, 1, REDEMPTION_EXPORT_LIMIT),
    repo.listItems(deps.db, scope, { orgPath: org?.path }, 1, 1000),
  ]);
  const scopeName = org?.name ?? '管理范围内';
  const period = query.from || query.to ? `${query.from ?? '开始'} 至 ${query.to ?? today}` : `截至 ${today}`;
  const wb = new (await loadExcel()).Workbook();
  const list = printSheet(wb, {
    name: '兑换记录', title: '积分商城兑换记录', caption: [scopeName, query.status ? REDEMPTION_STATUSES[query.status] : '全部状态', period],
    columns: ['序号', '兑换时间', '党员', '所在组织', '商品', '供应组织', '数量', '积分', '状态', '最迟领取', '办结时间', '取消原因'],
    frozenColumns: 3,
  });
  const sums = { fulfilled: 0, reserved: 0 };
  rows.forEach((r, i) => {
    if (r.status === 'fulfilled') sums.fulfilled += r.points;
    if (r.status === 'reserved') sums.reserved += r.points;
    list.add([
      i + 1, formatBeijing(new Date(r.redeemed_at)), r.person_name, r.org_name, r.item_name, r.supplier_org_name, r.quantity, r.points, REDEMPTION_STATUSES[r.status], r.pickup_by,
      r.settled_at ? formatBeijing(new Date(r.settled_at)) : '', r.cancel_reason ?? '',
    ]);
  });
  list.note([`共 ${rows.length} 笔${rows.length === REDEMPTION_EXPORT_LIMIT ? `（最多导出 ${REDEMPTION_EXPORT_LIMIT} 笔，请缩小日期范围）` : ''}；已领取 ${sums.fulfilled} 积分，待领取冻结 ${sums.reserved} 积分。`]);
  list.finish();

  const stock = printSheet(wb, {
    name: '商品库存', title: '积分商城商品库存', caption: [scopeName, `截至 ${today}`],
    columns: ['商品', '类别', '供应组织', '兑换范围', '兑换积分', '可兑换库存', '待领取', '已领取', '每人限兑', '兑换期', '状态'],
    frozenColumns: 1,
  });
  for (const i of items.rows) {
    stock.add([
      i.name, MALL_ITEM_KINDS[i.kind], i.supplier_org_name, i.audience_org_name, i.points_price, i.stock, i.reserved, i.fulfilled, i.per_person_limit ?? '不限',
      `${i.sale_from} 至 ${i.sale_to ?? '长期'}`, MALL_ITEM_STATUSES[i.status],
    ]);
  }
  stock.note([`共 ${items.rows.length} 件商品；库存为可兑换的件数，待领取的已从中扣除。`]);
  stock.finish();

  await audit(deps.db, ctx, { action: 'mall.export', objectType: 'org', objectId: org?.id ?? null, orgId: org?.id ?? null, detail: { rows: rows.length, status: query.status ?? null, from: query.from ?? null, to: query.to ?? null } });
  return { data: Buffer.from(await wb.xlsx.writeBuffer()), fileName: `积分商城兑换记录-${scopeName}-${today}.xlsx` };
}
