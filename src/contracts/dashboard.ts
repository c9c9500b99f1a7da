import { z } from 'zod';
import { Text } from './common';
import { WorkbenchLevel } from './workbench';

// The decision platform's big screen (大屏, issue 15): for an org subtree in
// the viewer's scope, tiles that each module registers, every figure read
// from the module's rollups, every tile linking to the list behind it; the
// children to drill into; a ticker of warnings by org and kind. Nothing on it
// names a member: the screen hangs in public rooms.

export const GetDashboardQuery = z.object({ orgId: z.uuid().optional() });
export type GetDashboardQuery = z.infer<typeof GetDashboardQuery>;

export const DashboardFigure = z.object({
  label: Text,
  value: z.number(),
  unit: Text,
  /** the console list behind the figure, or null */
  link: Text.nullable(),
});
export type DashboardFigure = z.infer<typeof DashboardFigure>;

export const DashboardSeries = z.object({
  key: Text,
  title: Text,
  /** how the screen draws it */
  chart: z.enum(['pie', 'bar', 'line', 'funnel']),
  /** names of the values (one for a single series; two for due vs paid) */
  names: z.array(Text).min(1),
  points: z.array(z.object({ label: Text, values: z.array(z.number()) })),
  link: Text.nullable(),
});
export type DashboardSeries = z.infer<typeof DashboardSeries>;

export const DashboardTile = z.object({
  key: Text,
  title: Text,
  /** the module's console page */
  link: Text.nullable(),
  figures: z.array(DashboardFigure),
  series: z.array(DashboardSeries),
  /** a line under the tile (the period, the rule), or null */
  note: Text.nullable(),
});
export type DashboardTile = z.infer<typeof DashboardTile>;

export const DashboardOrg = z.object({ id: z.uuid(), name: Text, type: Text });

export const Dashboard = z.object({
  org: DashboardOrg,
  /** from the top org the viewer sees down to this one (the breadcrumb) */
  trail: z.array(DashboardOrg),
  /** the org's children to drill into, with their members on the roll (subtree) */
  children: z.array(DashboardOrg.extend({ members: z.number().int(), orgs: z.number().int() })),
  tiles: z.array(DashboardTile),
  /** the live warnings under the org by org and kind, red first (never a person's name) */
  ticker: z.array(z.object({ orgName: Text, label: Text, level: WorkbenchLevel, count: z.number().int(), link: Text })),
  /** the business day the figures are for */
  asOf: Text,
  generatedAt: Text,
});
export type Dashboard = z.infer<typeof Dashboard>;

/** The dimensions of the ad-hoc drill-down (B2) over the members on the roll. */
export const DRILL_DIMENSIONS = {
  org: '下级组织',
  sex: '性别',
  age: '年龄段',
  education: '学历',
  occupation: '职业',
  ethnicity: '民族',
  join_period: '入党时间',
  status: '党员类别',
} as const;
export type DrillDimension = keyof typeof DRILL_DIMENSIONS;
export const DrillDimensionEnum = z.enum(Object.keys(DRILL_DIMENSIONS) as [DrillDimension, ...DrillDimension[]]);

export const DashboardDrillQuery = z
  .object({
    orgId: z.uuid().optional(),
    rows: DrillDimensionEnum,
    cols: DrillDimensionEnum,
    /** filters */
    status: z.enum(['full', 'probationary']).optional(),
    sex: z.enum(['male', 'female']).optional(),
  })
  .refine((q) => q.rows !== q.cols, { path: ['cols'], message: '行和列请选择不同的维度' });
export type DashboardDrillQuery = z.infer<typeof DashboardDrillQuery>;

const DrillKey = z.object({ key: Text, label: Text });
export const DashboardDrill = z.object({
  org: z.object({ id: z.uuid(), name: Text }),
  rows: z.array(DrillKey),
  cols: z.array(DrillKey),
  /** cells[i][j]: members with row key i and column key j */
  cells: z.array(z.array(z.number().int())),
  rowTotals: z.array(z.number().int()),
  colTotals: z.array(z.number().int()),
  total: z.number().int(),
  asOf: Text,
});
export type DashboardDrill = z.infer<typeof DashboardDrill>;
