import { z } from 'zod';
import { IsoDate, Text } from './common';

// The annual Party statistics forms (党内统计, issue 16, RULES §6): for an org
// subtree and a year, aggregations of the member change events of the year
// and of the formal relations at the year's end — never typed in a second
// time. Each form is a table in the paper layout (rows with their level of
// indentation, columns), with the balance of form 1 and the members behind
// any difference.

export const STATISTICS_FORMS = {
  balance: '党员数综合比较',
  basics: '党员基本情况',
  join_time: '党员入党时间',
  development: '发展党员',
  exits: '出党',
  conversion: '预备党员转正',
  flow: '流动党员',
  orgs: '基层组织',
  secretaries: '党组织书记',
} as const;
export type StatisticsFormKey = keyof typeof STATISTICS_FORMS;
export const StatisticsFormKeyEnum = z.enum(Object.keys(STATISTICS_FORMS) as [StatisticsFormKey, ...StatisticsFormKey[]]);

/** The first year the forms are produced for (the registry holds formal relations from its go-live; earlier years have no events). */
export const STATISTICS_FIRST_YEAR = 2000;

export const StatisticsFormParams = z.object({ form: StatisticsFormKeyEnum });
export const StatisticsFormQuery = z.object({
  orgId: z.uuid().optional(),
  /** without one: the last closed year (the annual report's) */
  year: z.coerce
    .number({ message: '请选择统计年度' })
    .int({ message: '请选择统计年度' })
    .min(STATISTICS_FIRST_YEAR, { message: `统计年度不能早于${STATISTICS_FIRST_YEAR}年` })
    .max(9999, { message: '请选择统计年度' })
    .optional(),
});
export type StatisticsFormQuery = z.infer<typeof StatisticsFormQuery>;

export const StatisticsRow = z.object({
  key: Text,
  label: Text,
  /** 0: a heading row of the form, 1: 其中 / a breakdown, 2: a breakdown of a breakdown */
  level: z.number().int().min(0).max(2),
  values: z.array(z.number()),
});
export type StatisticsRow = z.infer<typeof StatisticsRow>;

export const StatisticsClosingInfo = z.object({ closedAt: z.string(), closedBy: Text.nullable() });
export type StatisticsClosingInfo = z.infer<typeof StatisticsClosingInfo>;

export const BalanceMismatch = z.object({
  personId: z.uuid(),
  name: Text,
  orgName: Text.nullable(),
  /** on the formal roll of the subtree at the previous year's end / at this cut-off */
  atStart: z.boolean(),
  atEnd: z.boolean(),
  /** the counted events of the year, in date order */
  events: z.array(z.object({ date: IsoDate, reason: Text, label: Text, direction: z.enum(['increase', 'decrease']) })),
  explanation: Text,
});
export type BalanceMismatch = z.infer<typeof BalanceMismatch>;

/** A change recorded after the previous year was closed but dated in it (or earlier): next year's adjustment (RULES §6 balance). */
export const StatisticsAdjustment = z.object({
  personId: z.uuid(),
  name: Text,
  date: IsoDate,
  label: Text,
  direction: z.enum(['increase', 'decrease']),
});
export type StatisticsAdjustment = z.infer<typeof StatisticsAdjustment>;

export const StatisticsBalance = z.object({
  /** the previous year's end: as frozen when that year was closed for this org, else as the roll reads now */
  start: z.number().int(),
  /** the roll at the previous year's end as it reads now − the frozen figure (0 when that year is not closed) */
  adjustment: z.number().int(),
  /** the changes behind the adjustment: recorded after the closing, dated in the closed year or before */
  adjustments: z.array(StatisticsAdjustment),
  increases: z.number().int(),
  decreases: z.number().int(),
  /** start + adjustment + increases − decreases */
  expectedEnd: z.number().int(),
  end: z.number().int(),
  /** end − expectedEnd (0 when the form balances) */
  difference: z.number().int(),
  mismatches: z.array(BalanceMismatch),
});
export type StatisticsBalance = z.infer<typeof StatisticsBalance>;

export const StatisticsForm = z.object({
  form: StatisticsFormKeyEnum,
  title: Text,
  /** 填报单位 */
  org: z.object({ id: z.uuid(), name: Text }),
  year: z.number().int(),
  /** the running year (the latest a form may be asked for) */
  currentYear: z.number().int(),
  /** 统计截止日期: the year's 12-31, or today for the running year */
  cutoff: IsoDate,
  columns: z.array(Text),
  rows: z.array(StatisticsRow),
  balance: StatisticsBalance.nullable(),
  /** what the form counts and how, in one or two sentences */
  notes: z.array(Text),
  /** the rule versions the form was computed with (source) */
  sources: z.array(Text),
  /** set when the year is closed for this org: the form is the frozen snapshot */
  closing: StatisticsClosingInfo.nullable(),
});
export type StatisticsForm = z.infer<typeof StatisticsForm>;

// Year closing and reconciliation with the subordinate units. Committees
// (党委, 党工委, 党总支) close a year for their subtree once the year has
// ended and every subordinate committee has closed it; a branch's figures are
// closed by the committee above it. A closed year is a frozen snapshot of
// every form; what is recorded later becomes the next year's adjustment.

/** The org types that close a statistics year of their own (the others are closed by the committee above). */
export const CLOSING_ORG_TYPES = ['committee', 'working_committee', 'general_branch'] as const;

export const StatisticsYearBody = z.object({
  orgId: z.uuid({ message: '请选择党组织' }),
  year: z
    .number({ message: '请选择统计年度' })
    .int({ message: '请选择统计年度' })
    .min(STATISTICS_FIRST_YEAR, { message: `统计年度不能早于${STATISTICS_FIRST_YEAR}年` })
    .max(9999, { message: '请选择统计年度' }),
});
export type StatisticsYearBody = z.infer<typeof StatisticsYearBody>;
/** an org (without one: the widest in scope) and a year (without one: the last closed year) */
export const StatisticsReconciliationQuery = StatisticsFormQuery;
export type StatisticsReconciliationQuery = StatisticsFormQuery;

/** Form 1's figures of an org for a year. */
export const StatisticsFigures = z.object({
  start: z.number().int(),
  adjustment: z.number().int(),
  increases: z.number().int(),
  decreases: z.number().int(),
  end: z.number().int(),
});
export type StatisticsFigures = z.infer<typeof StatisticsFigures>;

export const ReconciliationLine = z.object({
  org: z.object({ id: z.uuid(), name: Text, type: Text }),
  /** a committee closes its own year; a branch's figures are closed with this org's */
  closesOwnYear: z.boolean(),
  closing: StatisticsClosingInfo.nullable(),
  /** frozen when closed, else as the records read now */
  figures: StatisticsFigures,
});
export type ReconciliationLine = z.infer<typeof ReconciliationLine>;

export const StatisticsReconciliation = z.object({
  org: z.object({ id: z.uuid(), name: Text, type: Text }),
  year: z.number().int(),
  currentYear: z.number().int(),
  closing: StatisticsClosingInfo.nullable(),
  /** whether this org closes its own year (by its type) */
  closesOwnYear: z.boolean(),
  /** subordinate committees that have not closed the year: this org closes after them */
  openChildren: z.array(z.object({ id: z.uuid(), name: Text })),
  children: z.array(ReconciliationLine),
  /** members whose relation sits in this org itself (not in a subordinate org) */
  own: StatisticsFigures,
  /** the subordinate orgs' figures and the org's own, added up */
  sum: StatisticsFigures,
  /** this org's form 1 (frozen when closed) */
  total: StatisticsFigures,
  /** total − sum of the roll at the start and at the end: 0 when the figures reconcile */
  difference: z.object({ start: z.number().int(), end: z.number().int() }),
  notes: z.array(Text),
});
export type StatisticsReconciliation = z.infer<typeof StatisticsReconciliation>;
