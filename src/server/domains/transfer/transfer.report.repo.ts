import { sql } from '../../platform/sql';
import { TRANSFER_KINDS, TRANSFER_STATUSES } from '../../../contracts/transfer';
import { dimensionValues, monthWindow, type ReportSubjectSource } from '../../platform/report-subjects';

// 组织关系转接 as a report-builder subject: the letters issued in the period
// by the subtree's orgs (counted for the sending org; an incoming paper
// letter for the receiving one), with how they ended.

export const transferReportSubject: ReportSubjectSource = {
  key: 'transfers',
  label: '组织关系转接',
  description: '开始至结束日期之间开具的组织关系介绍信（记在转出的党组织；外来介绍信记在接收的党组织）；办结率为已接收的占开具的比例。',
  permission: 'transfer.read',
  order: 40,
  from: (orgs) => sql`transfer tr JOIN ${orgs} ON o.id = CASE WHEN tr.kind = 'incoming' THEN tr.to_org_id ELSE tr.from_org_id END`,
  where: (p) => sql`tr.issued_on BETWEEN ${p.from}::date AND ${p.to}::date`,
  dimensions: [
    { key: 'kind', label: '转接类型', values: dimensionValues(TRANSFER_KINDS), expr: () => sql`tr.kind` },
    { key: 'status', label: '办理状态', values: dimensionValues(TRANSFER_STATUSES), expr: () => sql`tr.status` },
    { key: 'month', label: '月份', values: null, expr: () => sql`to_char(tr.issued_on, 'YYYY-MM')` },
  ],
  measures: [
    { key: 'letters', label: '介绍信', kind: 'count', unit: '份', expr: sql`count(*)` },
    { key: 'accepted_rate', label: '办结率', kind: 'rate', unit: '%', expr: sql`count(*) FILTER (WHERE tr.status = 'accepted')`, denominator: sql`count(*)` },
  ],
  link(v, orgId, p) {
    // 转接管理 lists the letters recorded under an org by kind, status and issue date
    const window = monthWindow(v.month, p);
    if (!window) return null;
    const q = new URLSearchParams({ view: 'all', orgId: v.org ?? orgId, orgRole: 'recorded', issuedFrom: window.from, issuedTo: window.to });
    if (v.kind) q.set('kind', v.kind);
    if (v.status) q.set('status', v.status);
    return `/admin/transfers?${q}`;
  },
};
