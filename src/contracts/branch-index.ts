import { z } from 'zod';

// The branch vanguard index (先锋指数, RULES §7 and §8): sub-indices from the
// data the platform holds, each explainable down to its items and the
// figures behind them; 无数据 where the platform has no source yet.

export const INDEX_BANDS = { advanced: '先进', good: '较好', fair: '一般', lagging: '后进' } as const;
export type IndexBand = keyof typeof INDEX_BANDS;

/** The items the platform can compute, with what each measures (the key ties the rule version to a calculator). */
export const INDEX_ITEMS: Record<string, { label: string; measure: string }> = {
  'meetings.completion': { label: '三会一课完成率', measure: '按召开周期应开会议中已按要求召开的比例' },
  'meetings.political': { label: '组织生活会、民主评议、主题党日完成率', measure: '三类政治性组织生活按周期应开中已开的比例' },
  'meetings.lecture': { label: '党课完成率', measure: '按季度应上党课中已上的比例' },
  'meetings.attendance': { label: '参会率（扣除准假）', measure: '记录已确认的会议中，实到人次 ÷ 应到人次（准假的不计入应到）' },
  'meetings.minutes': { label: '会议记录确认率', measure: '已由主持人和记录人确认的会议记录 ÷ 已召开会议' },
  'dues.collection': { label: '党费收缴率', measure: '实交金额 ÷ 应交金额（元）' },
  'dues.on_time': { label: '党费按时交纳率', measure: '当月按时交纳的账单 ÷ 全部账单' },
  'committee.complete': { label: '班子健全', measure: '正式党员7人以上的支部设有支部委员会且有书记' },
  'term.on_time': { label: '按期换届', measure: '支部委员会（书记）任期未超过届满日期' },
  'development.on_time': { label: '发展党员按时限推进', measure: '在培养中的发展对象没有超过工作时限的比例' },
  'study.participation': { label: '学习参与', measure: '学习模块上线后计算（从不统计在线时长）' },
  'discipline.cases': { label: '违纪情况', measure: '纪律处分数据接入后计算' },
  'service.response': { label: '服务群众与接诉即办', measure: '党群服务与接诉即办模块上线后计算' },
  'integrity.cases': { label: '廉政情况', measure: '廉政数据接入后计算' },
  'service.satisfaction': { label: '群众满意度', measure: '接诉即办评价上线后计算' },
};

export const IndexRuleBody = z.object({
  subIndices: z.array(z.object({
    key: z.string(), label: z.string(), weight: z.number().min(0),
    items: z.array(z.object({ key: z.string(), weight: z.number().min(0) })).min(1),
  })).min(1),
  deductions: z.array(z.object({ key: z.string(), label: z.string(), points: z.number().min(0).max(100) })),
  vetoes: z.array(z.object({ key: z.string(), label: z.string() })),
  bands: z.array(z.object({ band: z.enum(['advanced', 'good', 'fair', 'lagging']), label: z.string(), min: z.number().min(0).max(100) })).min(1),
  suggestions: z.array(z.object({ item: z.string(), below: z.number().min(0).max(1), text: z.string() })),
});
export type IndexRuleBody = z.infer<typeof IndexRuleBody>;

/** An index period: a year or a quarter. */
export const IndexPeriod = z.string().regex(/^\d{4}(-Q[1-4])?$/, '统计期应为年份（如2026）或季度（如2026-Q4）');

export const IndexItem = z.object({
  key: z.string(),
  label: z.string(),
  measure: z.string(),
  weight: z.number(),
  /** 0–1, or null: 无数据 */
  value: z.number().nullable(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  /** where the facts behind the figure are listed in the console (null: none yet) */
  link: z.string().nullable(),
});
export type IndexItem = z.infer<typeof IndexItem>;

export const SubIndex = z.object({
  key: z.string(),
  label: z.string(),
  weight: z.number(),
  /** 0–100, or null: 无数据 (left out of the composite's weights) */
  score: z.number().nullable(),
  items: z.array(IndexItem),
});
export type SubIndex = z.infer<typeof SubIndex>;

export const IndexAdjustment = z.object({
  key: z.string(),
  label: z.string(),
  kind: z.enum(['deduction', 'veto']),
  points: z.number(),
  /** whether the platform holds data for this item at all */
  hasData: z.boolean(),
  applied: z.boolean(),
  detail: z.string().nullable(),
});
export type IndexAdjustment = z.infer<typeof IndexAdjustment>;

export const BranchIndexFigures = z.object({
  period: z.string(),
  periodLabel: z.string(),
  asOf: z.string(),
  composite: z.number().nullable(),
  band: z.enum(['advanced', 'good', 'fair', 'lagging']).nullable(),
  bandLabel: z.string().nullable(),
  vetoed: z.boolean(),
  base: z.number().nullable(),
  subIndices: z.array(SubIndex),
  adjustments: z.array(IndexAdjustment),
  computedAt: z.string(),
  source: z.string(),
});
export type BranchIndexFigures = z.infer<typeof BranchIndexFigures>;

export const BranchPoints = z.object({
  members: z.number().int(),
  /** average of the members' points awarded in the period's year up to its as-of day (net of deductions) */
  averageMemberPoints: z.number(),
  assessmentPoints: z.number().nullable(),
  total: z.number(),
});

export const BranchIndex = z.object({
  org: z.object({ id: z.string(), name: z.string(), type: z.string() }),
  current: BranchIndexFigures.nullable(),
  trend: z.array(z.object({ period: z.string(), periodLabel: z.string(), composite: z.number().nullable(), band: z.string().nullable(), bandLabel: z.string().nullable() })),
  points: BranchPoints,
  /** for a committee: its branches in org order with their bands (never sorted by score, RULES §8) */
  branches: z.array(z.object({ orgId: z.string(), orgName: z.string(), composite: z.number().nullable(), band: z.string().nullable(), bandLabel: z.string().nullable() })),
  bandCounts: z.record(z.string(), z.number().int()),
});
export type BranchIndex = z.infer<typeof BranchIndex>;

export const BranchIndexQuery = z.object({
  orgId: z.uuid({ message: '请选择组织' }).optional(),
  period: IndexPeriod.optional(),
});

/** The branch report (.docx or PDF) of a branch and period. */
export const BranchReportQuery = BranchIndexQuery.extend({
  format: z.enum(['docx', 'pdf'], { message: '请选择报告格式：docx 或 pdf' }),
});
export type BranchReportQuery = z.infer<typeof BranchReportQuery>;

export const OrgPortrait = z.object({
  org: z.object({ id: z.string(), name: z.string(), type: z.string() }),
  period: z.string(),
  periodLabel: z.string(),
  peers: z.number().int(),
  peerDescription: z.string(),
  axes: z.array(z.object({
    key: z.string(), label: z.string(), score: z.number().nullable(),
    p25: z.number().nullable(), p50: z.number().nullable(), p75: z.number().nullable(),
  })),
  strengths: z.array(z.string()),
  weaknesses: z.array(z.string()),
  suggestions: z.array(z.object({ item: z.string(), label: z.string(), text: z.string() })),
});
export type OrgPortrait = z.infer<typeof OrgPortrait>;

export const RecomputeIndexBody = z.object({
  orgId: z.uuid({ message: '请选择组织' }),
  period: IndexPeriod.optional(),
});
export const RecomputeIndexResult = z.object({ branches: z.number().int(), period: z.string(), ms: z.number() });

export const MyBranchIndex = z.object({
  shown: z.boolean(),
  orgName: z.string().nullable(),
  periodLabel: z.string().nullable(),
  composite: z.number().nullable(),
  bandLabel: z.string().nullable(),
  subIndices: z.array(z.object({ label: z.string(), score: z.number().nullable() })),
});
export type MyBranchIndex = z.infer<typeof MyBranchIndex>;
