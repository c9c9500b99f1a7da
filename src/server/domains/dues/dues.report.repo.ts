import { sql } from '../../platform/sql';
import { DUES_CATEGORIES } from '../../../contracts/dues';
import { dimensionValues, type ReportSubjectSource } from '../../platform/report-subjects';

// 党费 as a report-builder subject: the monthly bills of the months in the
// period, billed to the subtree's orgs; paid ones by their paying entry's
// cached date.

export const duesReportSubject: ReportSubjectSource = {
  key: 'dues',
  label: '党费',
  description: '开始至结束日期所在各月的党费账单（按账单所属月份，记在开具账单的党组织）；交纳率为已交金额占应交金额的比例。',
  permission: 'dues.read',
  order: 20,
  from: (orgs) => sql`dues_bill b JOIN ${orgs} ON o.id = b.org_id`,
  where: (p) => sql`b.month >= date_trunc('month', ${p.from}::date) AND b.month <= ${p.to}::date`,
  dimensions: [
    { key: 'month', label: '月份', values: null, expr: () => sql`to_char(b.month, 'YYYY-MM')` },
    { key: 'category', label: '党费类别', values: dimensionValues(DUES_CATEGORIES), expr: () => sql`b.category` },
    {
      key: 'standing', label: '交纳情况', values: [{ value: 'paid', label: '已交' }, { value: 'unpaid', label: '未交' }, { value: 'exempt', label: '免交' }],
      expr: () => sql`CASE WHEN b.due_fen = 0 THEN 'exempt' WHEN b.paid_on IS NOT NULL THEN 'paid' ELSE 'unpaid' END`,
    },
  ],
  measures: [
    { key: 'bills', label: '账单数', kind: 'count', unit: '笔', expr: sql`count(*)` },
    { key: 'due', label: '应交金额', kind: 'sum', unit: '元', expr: sql`sum(b.due_fen)`, divisor: 100 },
    { key: 'paid', label: '已交金额', kind: 'sum', unit: '元', expr: sql`coalesce(sum(b.due_fen) FILTER (WHERE b.paid_on IS NOT NULL), 0)`, divisor: 100 },
    { key: 'pay_rate', label: '交纳率（按金额）', kind: 'rate', unit: '%', expr: sql`coalesce(sum(b.due_fen) FILTER (WHERE b.paid_on IS NOT NULL), 0)`, denominator: sql`sum(b.due_fen)` },
  ],
  // the dues rollups (per org and month, for the org's whole subtree) answer by 下级组织 and month
  rollup: {
    from: sql`dues_rollup r JOIN org o ON o.id = r.org_id`,
    where: (p) => sql`r.month >= date_trunc('month', ${p.from}::date) AND r.month <= ${p.to}::date`,
    dimensions: { month: () => sql`to_char(r.month, 'YYYY-MM')` },
    measures: {
      bills: { expr: sql`sum(r.bills)` },
      due: { expr: sql`sum(r.due_fen)` },
      paid: { expr: sql`sum(r.paid_fen)` },
      pay_rate: { expr: sql`sum(r.paid_fen)`, denominator: sql`sum(r.due_fen)` },
    },
  },
  link(v, orgId, p) {
    // 党费账单 lists one month of an org's subtree, all bills or the unpaid ones
    const month = v.month ?? (p.from.slice(0, 7) === p.to.slice(0, 7) ? p.from.slice(0, 7) : null);
    if (!month || v.category || (v.standing && v.standing !== 'unpaid')) return null;
    return `/admin/dues/bills?${new URLSearchParams({ orgId: v.org ?? orgId, month, status: v.standing ?? 'all' })}`;
  },
};
