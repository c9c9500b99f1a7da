import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { audit } from '../../platform/audit';
import { chartSvg, svgToPng } from '../../platform/charts';
import { DOCX_TYPE, writeDocx, writePdf, type Block } from '../../platform/documents';
import { loadExcel, printSheet } from '../../platform/excel';
import { reportChartOption, type ExportReportBody, type ReportFormat, type ReportResult } from '../../../contracts/reports';
import { runReport } from './reports.service';

// A report as Excel, PDF or Word: the table with its totals and the chart
// drawn on the server (ECharts SVG: vectors in the PDF, a PNG in Excel and
// Word), titled with the report's name and its caption (subject, subtree,
// period, filters).

const CHART_W = 640;
const CHART_H = 320;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ReportFile {
  data: Buffer;
  fileName: string;
  contentType: string;
}

const withUnit = (c: { label: string; unit: string }) => (c.unit ? `${c.label}（${c.unit}）` : c.label);

/** The header and body of the report's table as text rows (first column: the row dimension). */
function tableOf(r: ReportResult, crossTab: boolean, rowLabel: string) {
  const header = [rowLabel, ...r.columns.map((c) => (crossTab ? c.label : withUnit(c)))];
  const body = [...r.rows.map((row) => [row.label, ...row.cells.map((c) => c.value)]), ['合计', ...r.total]];
  return { header, body };
}

export async function renderReport(r: ReportResult, o: { title: string; format: ReportFormat; crossTab: boolean; rowLabel: string; author: string; today: string }): Promise<ReportFile> {
  const svg = chartSvg(reportChartOption(r, o.crossTab), CHART_W, CHART_H);
  const { header, body } = tableOf(r, o.crossTab, o.rowLabel);
  const note = `说明：${r.subject.description}数据由系统于${o.today}按查看人的管理范围汇总生成。`;
  if (o.format === 'xlsx') {
    const wb = new (await loadExcel()).Workbook();
    const sheet = printSheet(wb, { name: '报表', title: o.title, caption: [r.caption], columns: header.map((h, i) => (i === 0 ? h : { header: h, numFmt: '#,##0.##' })) });
    for (const row of body.slice(0, -1)) sheet.add(row);
    sheet.note(body[body.length - 1]);
    sheet.worksheet.lastRow!.font = { bold: true };
    sheet.note([note]);
    sheet.finish();
    const chart = printSheet(wb, { name: '图表', title: `${o.title}（图）`, caption: [r.caption], columns: [''] });
    const image = wb.addImage({ buffer: (await svgToPng(svg, 2)) as unknown as ArrayBuffer, extension: 'png' });
    chart.worksheet.addImage(image, { tl: { col: 0, row: 2 }, ext: { width: CHART_W, height: CHART_H } });
    chart.finish();
    return { data: Buffer.from(await wb.xlsx.writeBuffer()), fileName: `${o.title}.xlsx`, contentType: XLSX_TYPE };
  }
  const first = Math.min(0.4, Math.max(0.2, 1 / header.length));
  const blocks: Block[] = [
    { kind: 'title', text: o.title },
    { kind: 'para', text: r.caption, note: true },
    { kind: 'chart', svg, width: CHART_W, height: CHART_H, alt: `${o.title}图表` },
    {
      kind: 'table',
      columns: header.map((h, i) => ({ title: h, width: i === 0 ? first : (1 - first) / (header.length - 1), align: i === 0 ? 'left' : 'center' })),
      rows: body.map((row) => row.map(String)),
    },
    { kind: 'para', text: note, note: true },
  ];
  if (o.format === 'pdf') return { data: await writePdf(o.title, o.author, blocks), fileName: `${o.title}.pdf`, contentType: 'application/pdf' };
  return { data: await writeDocx(o.title, o.author, blocks), fileName: `${o.title}.docx`, contentType: DOCX_TYPE };
}

export async function exportReport(deps: Deps, ctx: ActorContext, body: ExportReportBody): Promise<ReportFile> {
  const r = await runReport(deps, ctx, body.spec);
  const title = body.name ?? `${r.subject.label}统计表`;
  const rowLabel = r.subject.dimensions.find((d) => d.key === body.spec.rows)!.label;
  const file = await renderReport(r, { title, format: body.format, crossTab: body.spec.columns !== undefined, rowLabel, author: r.org.name, today: deps.clock.today() });
  await audit(deps.db, ctx, { action: 'report.export', objectType: 'org', objectId: r.org.id, orgId: r.org.id, detail: { subject: body.spec.subject, format: body.format, title } });
  return file;
}
