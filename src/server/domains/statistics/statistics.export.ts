import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { audit } from '../../platform/audit';
import { loadExcel, printSheet } from '../../platform/excel';
import type { StatisticsFormKey, StatisticsFormQuery } from '../../../contracts/statistics';
import { getStatisticsForm } from './statistics.service';

// A statistics form as the paper form: the title with 填报单位, 统计年度 and
// 统计截止日期, the rows indented as on the form, A4 landscape; form 1 adds a
// sheet listing the members behind a difference.

export async function exportStatisticsForm(deps: Deps, ctx: ActorContext, form: StatisticsFormKey, query: StatisticsFormQuery): Promise<{ data: Buffer; fileName: string }> {
  const f = await getStatisticsForm(deps, ctx, form, query);
  const wb = new (await loadExcel()).Workbook();
  const sheet = printSheet(wb, {
    name: f.title,
    title: `${f.title}（${f.year}年）`,
    caption: [`填报单位：${f.org.name}`, `统计截止日期：${f.cutoff}`, ...(f.closing ? ['已结算'] : [])],
    columns: ['项目', ...f.columns],
  });
  for (const r of f.rows) {
    sheet.add([r.label, ...r.values]);
    const cell = sheet.worksheet.lastRow!.getCell(1);
    cell.alignment = { ...cell.alignment, indent: r.level * 2 };
    if (r.level === 0) sheet.worksheet.lastRow!.font = { bold: true };
  }
  // notes and sources across the form's width, wrapped
  const width = f.columns.length + 1;
  for (const text of [...f.notes.map((n) => `注：${n}`), ...f.sources.map((s) => `依据：${s}`)]) {
    sheet.note([text]);
    const row = sheet.worksheet.lastRow!;
    sheet.worksheet.mergeCells(row.number, 1, row.number, width);
    row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
    row.height = 16 * Math.max(1, Math.ceil(text.length / (12 * width)));
  }
  sheet.finish();
  if (f.balance && f.balance.mismatches.length) {
    const list = printSheet(wb, {
      name: '差额涉及的党员',
      title: `${f.title}差额涉及的党员（${f.year}年）`,
      caption: [`填报单位：${f.org.name}`, `差额 ${f.balance.difference} 人`],
      columns: ['姓名', '现所在组织', '上年底在册', '本年底在册', '本年登记的变动', '说明'],
    });
    for (const m of f.balance.mismatches) {
      list.add([m.name, m.orgName ?? '', m.atStart ? '是' : '否', m.atEnd ? '是' : '否', m.events.map((e) => `${e.date} ${e.label}`).join('；') || '无', m.explanation]);
    }
    list.finish();
  }
  if (f.balance && f.balance.adjustments.length) {
    const list = printSheet(wb, {
      name: '结算后更正',
      title: `${f.year - 1}年度结算后登记的变动（${f.year}年结算后更正）`,
      caption: [`填报单位：${f.org.name}`, `更正 ${f.balance.adjustment} 人`],
      columns: ['姓名', '变动日期', '变动', '增减'],
    });
    for (const a of f.balance.adjustments) list.add([a.name, a.date, a.label, a.direction === 'increase' ? '增加' : '减少']);
    list.finish();
  }
  await audit(deps.db, ctx, { action: 'statistics.form_export', objectType: 'org', objectId: f.org.id, orgId: f.org.id, detail: { form, year: f.year } });
  return { data: Buffer.from(await wb.xlsx.writeBuffer()), fileName: `${f.title}-${f.org.name}-${f.year}年.xlsx` };
}
