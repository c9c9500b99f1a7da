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

export const StatisticsBalance = z.object({
  start: z.number().int(),
  increases: z.number().int(),
  decreases: z.number().int(),
  /** start + increases − decreases */
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
});
export type StatisticsForm = z.infer<typeof StatisticsForm>;
