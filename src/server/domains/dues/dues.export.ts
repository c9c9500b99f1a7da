import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { loadExcel, printSheet } from '../../platform/excel';
import { audit } from '../../platform/audit';
import { orgInScope } from '../../platform/scope';
import { childRemittance, listLargeVoluntary, orgPathById } from './dues.repo';
import { summary, ruleFor } from './dues.bills';

// The dues report as Excel: per month (due, paid, rates), the remittance
// summary (上缴) per child org for the period, and the voluntary payments of
// 1000 元 or more that are forwarded entirely to the centre, listed apart.

const yuan = (fen: number) => Math.round(fen) / 100;

export async function exportSummary(deps: Deps, ctx: ActorContext, query: { orgId?: string; from: string; to: string }): Promise<{ data: Buffer; fileName: string }> {
  const s = await summary(deps, ctx, query);
  const org = await orgPathById(deps.db, s.org.id);
  const rule = await ruleFor(deps.db, query.to);
  const [children, large] = await Promise.all([
    childRemittance(deps.db, s.org.id, query.from, query.to),
    listLargeVoluntary(deps.db, rule.body.voluntaryLargeFen, org.path, orgInScope(ctx.actor, 'dues.read'), query.from, query.to),
  ]);
  const wb = new (await loadExcel()).Workbook();
  const period = `${query.from} 至 ${query.to}`;
  const made = `制表日期 ${deps.clock.today()}`;
  const percent = '0.00%';
  const months = printSheet(wb, {
    name: '收缴统计', title: '党费收缴统计', caption: [s.org.name, period, made],
    columns: ['月份', '应交账单数', '应交（元）', '实交（元）', '按时交纳（元）', { header: '收缴率', numFmt: percent }, { header: '按时交纳率', numFmt: percent }, '自愿交纳（元）'],
  });
  for (const m of s.months) months.add([m.month, m.bills, yuan(m.dueFen), yuan(m.paidFen), yuan(m.paidOnTimeFen), m.collectionRate, m.onTimeRate, yuan(m.voluntaryFen)]);
  months.note(['合计', '', yuan(s.total.dueFen), yuan(s.total.paidFen), '', s.total.collectionRate, s.total.onTimeRate, '']);
  const remit = printSheet(wb, { name: '上缴汇总', title: '党费上缴汇总', caption: [s.org.name, period, made], columns: ['组织', '应交（元）', '实交（元）', '自愿交纳（元）', '合计上缴（元）'] });
  for (const c of children) remit.add([c.name, yuan(c.due), yuan(c.paid), yuan(c.voluntary), yuan(c.paid + c.voluntary)]);
  const big = printSheet(wb, {
    name: '大额自愿党费', title: '大额自愿党费', caption: [s.org.name, period, `一次性自愿交纳 ${rule.body.voluntaryLargeFen / 100} 元以上，全额上缴中央（单列）`, made],
    columns: ['姓名', '党支部', '金额（元）', '交纳日期'],
  });
  for (const l of large) big.add([l.name, l.org_name, yuan(l.amount), l.paid_on]);
  for (const sheet of [months, remit, big]) sheet.finish();
  await audit(deps.db, ctx, { action: 'dues.export', objectType: 'org', objectId: s.org.id, orgId: s.org.id, detail: { from: query.from, to: query.to } });
  return { data: Buffer.from(await wb.xlsx.writeBuffer()), fileName: `党费收缴统计-${s.org.name}-${query.from}至${query.to}.xlsx` };
}
