import { sql } from '../../platform/sql';
import { POINT_ITEMS, POINT_TXN_KINDS } from '../../../contracts/points';
import { dimensionValues, monthWindow, type ReportSubjectSource } from '../../platform/report-subjects';

// 党员积分 as a report-builder subject: the awards and deductions of the
// members of the subtree's orgs whose fact falls in the period (counted for
// the org the member belonged to then). Reversals and the mall's spending are
// not in it: it counts how points were earned and lost, never a ranking of
// members (RULES §8: no member is named).

export const pointsReportSubject: ReportSubjectSource = {
  key: 'points',
  label: '党员积分',
  description: '开始至结束日期之间发生（按事实日期）的积分奖励和扣减，记在党员当时所在的党组织；冲正、兑换不计入。',
  permission: 'points.read',
  order: 50,
  from: (orgs) => sql`point_txn t JOIN ${orgs} ON o.id = t.org_id`,
  where: (p) => sql`t.kind IN ('award', 'deduction') AND t.fact_date BETWEEN ${p.from}::date AND ${p.to}::date`,
  dimensions: [
    { key: 'item', label: '积分项目', values: dimensionValues(POINT_ITEMS), expr: () => sql`t.item` },
    { key: 'kind', label: '奖励/扣减', values: [{ value: 'award', label: POINT_TXN_KINDS.award }, { value: 'deduction', label: POINT_TXN_KINDS.deduction }], expr: () => sql`t.kind` },
    { key: 'month', label: '月份', values: null, expr: () => sql`to_char(t.fact_date, 'YYYY-MM')` },
  ],
  measures: [
    { key: 'awarded', label: '奖励积分', kind: 'sum', unit: '分', expr: sql`coalesce(sum(t.points) FILTER (WHERE t.kind = 'award'), 0)` },
    { key: 'deducted', label: '扣减积分', kind: 'sum', unit: '分', expr: sql`coalesce(-sum(t.points) FILTER (WHERE t.kind = 'deduction'), 0)` },
    { key: 'records', label: '积分记录', kind: 'count', unit: '条', expr: sql`count(*)` },
  ],
  link(v, orgId, p) {
    // 积分流水 lists an org's transactions by kind, item and fact date
    const window = monthWindow(v.month, p);
    if (!window) return null;
    const q = new URLSearchParams({ orgId: v.org ?? orgId, from: window.from, to: window.to });
    if (v.kind) q.set('kind', v.kind);
    if (v.item) q.set('item', v.item);
    return `/admin/points?${q}`;
  },
};
