import { z } from 'zod';
import { IsoDate, Text } from './common';
import type { Permission } from './permissions';

// The report builder (自定义报表, issue 16): pick a subject a module
// registered (members, dues, meetings …), dimensions, measures, filters, an
// org's subtree and a period; the figures are counted in the viewer's scope,
// each with the filters that lead to the list behind it.

/** A dimension of a subject: rows (and optionally columns) are grouped by it. */
export const ReportDimension = z.object({
  key: Text,
  label: Text,
  /** the values with their labels, when the dimension has a fixed list (offered as filters too) */
  values: z.array(z.object({ value: Text, label: Text })).nullable(),
});
export type ReportDimension = z.infer<typeof ReportDimension>;

export const ReportMeasure = z.object({
  key: Text,
  label: Text,
  /** count: a number of rows; sum: an amount; rate: a percentage of two counts */
  kind: z.enum(['count', 'sum', 'rate']),
  unit: Text,
});
export type ReportMeasure = z.infer<typeof ReportMeasure>;

export const ReportSubject = z.object({
  key: Text,
  label: Text,
  /** what the subject counts and what its period means, in a sentence */
  description: Text,
  dimensions: z.array(ReportDimension),
  measures: z.array(ReportMeasure),
});
export type ReportSubject = z.infer<typeof ReportSubject>;

export const ReportSubjects = z.object({ items: z.array(ReportSubject) });
export type ReportSubjects = z.infer<typeof ReportSubjects>;

/** The permissions of the registered subjects (the menu shows 自定义报表 with any of them; a test keeps the list true). */
export const REPORT_SUBJECT_PERMISSIONS: Permission[] = ['member.read', 'development.read', 'dues.read', 'meeting.read', 'transfer.read', 'points.read'];

const key = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { message: '格式不正确' });

/** What a report asks: the subject, grouping, figures, filters, subtree and period. */
export const ReportSpec = z
  .object({
    subject: key,
    /** the subtree (without one: the widest the viewer sees) */
    orgId: z.uuid().optional(),
    /** rows by this dimension */
    rows: key,
    /** columns by this dimension (a cross-tab), or none */
    columns: key.optional(),
    measures: z.array(key).min(1, { message: '请至少选择一项统计指标' }).max(6, { message: '统计指标最多选择6项' }),
    /** dimension key → the values kept */
    filters: z.record(key, z.array(z.string().max(40)).max(50)).default({}),
    from: IsoDate,
    to: IsoDate,
  })
  .refine((s) => s.from <= s.to, { message: '开始日期不能晚于结束日期', path: ['to'] })
  .refine((s) => s.columns === undefined || s.columns !== s.rows, { message: '行和列不能选择同一维度', path: ['columns'] })
  .refine((s) => s.columns === undefined || s.measures.length === 1, { message: '交叉表只能选择一项统计指标', path: ['measures'] });
export type ReportSpec = z.infer<typeof ReportSpec>;

export const ReportCell = z.object({
  value: z.number(),
  /** the filters of the list behind the figure (subject-specific page link), or null where there is none */
  link: Text.nullable(),
});

export const ReportResult = z.object({
  subject: ReportSubject,
  org: z.object({ id: z.uuid(), name: Text }),
  from: IsoDate,
  to: IsoDate,
  /** the header of each value column: a measure, or a column dimension's value */
  columns: z.array(z.object({ key: Text, label: Text, unit: Text })),
  rows: z.array(z.object({ key: Text, label: Text, cells: z.array(ReportCell) })),
  /** the column totals (rates over the whole) */
  total: z.array(z.number()),
  /** in words: the subject, the subtree, the period and the filters */
  caption: Text,
});
export type ReportResult = z.infer<typeof ReportResult>;

export const SaveReportBody = z.object({
  name: z.string().trim().min(1, { message: '请填写报表名称' }).max(60, { message: '报表名称最多60个字' }),
  /** shared: seen by everyone whose scope covers the report's org (each reads it within their own scope) */
  shared: z.boolean().default(false),
  spec: ReportSpec,
});
export type SaveReportBody = z.infer<typeof SaveReportBody>;

export const SavedReport = z.object({
  id: z.uuid(),
  name: Text,
  shared: z.boolean(),
  /** the viewer saved it (and may change it) */
  mine: z.boolean(),
  ownerName: Text,
  orgName: Text,
  subjectLabel: Text,
  spec: ReportSpec,
  updatedAt: z.string(),
  /** delivered to the owner's notification centre for each month or quarter just ended */
  schedule: z.object({ frequency: z.enum(['monthly', 'quarterly']), format: z.enum(['xlsx', 'pdf', 'docx']), nextRunOn: IsoDate }).nullable(),
});
export type SavedReport = z.infer<typeof SavedReport>;
export const SavedReports = z.object({ items: z.array(SavedReport) });
export type SavedReports = z.infer<typeof SavedReports>;

export const REPORT_FORMATS = { xlsx: 'Excel', pdf: 'PDF', docx: 'Word' } as const;
export type ReportFormat = keyof typeof REPORT_FORMATS;
export const ExportReportBody = z.object({
  spec: ReportSpec,
  format: z.enum(Object.keys(REPORT_FORMATS) as [ReportFormat, ...ReportFormat[]], { message: '请选择导出格式' }),
  /** the title (a saved report's name); without one: the subject's */
  name: z.string().trim().min(1).max(60).optional(),
});
export type ExportReportBody = z.infer<typeof ExportReportBody>;

/** The rows a chart shows at most (the table carries them all). */
export const REPORT_CHART_ROWS = 30;

/**
 * The report's chart as an ECharts option (plain data), the same on the page
 * and in the exported documents: bars of the first measure by row, or one
 * series per column of a cross-tab.
 */
export function reportChartOption(r: Pick<ReportResult, 'rows' | 'columns'>, crossTab: boolean): Record<string, unknown> {
  const rows = r.rows.slice(0, REPORT_CHART_ROWS);
  const palette = ['#c8102e', '#d4a017', '#1f6fb2', '#3a9d5d', '#8e44ad', '#e67e22', '#16a085', '#7f8c8d'];
  const series = crossTab
    ? r.columns.map((c, j) => ({ type: 'bar', name: c.label, stack: 'total', data: rows.map((x) => x.cells[j].value), itemStyle: { color: palette[j % palette.length] } }))
    : [{ type: 'bar', name: r.columns[0]?.label ?? '', data: rows.map((x) => x.cells[0]?.value ?? 0), itemStyle: { color: palette[0] }, label: { show: rows.length <= 12, position: 'top', fontSize: 11 } }];
  return {
    animation: false,
    color: palette,
    grid: { left: 56, right: 16, top: crossTab ? 40 : 24, bottom: 72 },
    legend: crossTab ? { top: 0, type: 'scroll' } : undefined,
    xAxis: { type: 'category', data: rows.map((x) => x.label), axisLabel: { interval: 0, rotate: rows.length > 6 ? 35 : 0, fontSize: 11 } },
    yAxis: { type: 'value', name: crossTab ? r.columns[0]?.unit : r.columns[0]?.unit, nameTextStyle: { fontSize: 11 } },
    series,
  };
}

export const REPORT_FREQUENCIES = { monthly: '每月', quarterly: '每季度' } as const;
export const ScheduleReportBody = z.object({
  /** none: the schedule is stopped */
  frequency: z.enum(['monthly', 'quarterly', 'none'], { message: '请选择发送周期' }),
  format: z.enum(Object.keys(REPORT_FORMATS) as [ReportFormat, ...ReportFormat[]], { message: '请选择文件格式' }).default('xlsx'),
});
export type ScheduleReportBody = z.infer<typeof ScheduleReportBody>;

export const ReportDelivery = z.object({
  id: z.uuid(),
  reportName: Text,
  from: IsoDate,
  to: IsoDate,
  fileName: Text,
  sizeBytes: z.number().int(),
  createdAt: z.string(),
});
export type ReportDelivery = z.infer<typeof ReportDelivery>;
export const ReportDeliveries = z.object({ items: z.array(ReportDelivery) });
export type ReportDeliveries = z.infer<typeof ReportDeliveries>;
