import { z } from 'zod';
import { PageQuery, Text } from './common';
import { WorkbenchLevel } from './workbench';
import type { Permission } from './permissions';

// The warning centre (预警中心, issue 15): every module's warnings in one
// table, found by a periodic scan, scoped by the module's own read permission,
// cleared automatically when the fact behind them changes.

/** The modules that raise warnings, with their Chinese names (the filter's options). */
export const WARNING_MODULES = {
  development: '发展党员',
  dues: '党费',
  org: '组织设置',
  transfer: '组织关系转接',
  meeting: '组织生活',
  index: '先锋指数',
  project: '重点项目',
  map: '党建盲区',
  mall: '积分商城',
  volunteer: '志愿服务',
  need: '群众需求',
  club: '社团',
} as const;
export type WarningModule = keyof typeof WARNING_MODULES;
export const WarningModuleEnum = z.enum(Object.keys(WARNING_MODULES) as [WarningModule, ...WarningModule[]]);

/** Who reads a module's warnings and who handles them: the module's own permissions (the server scopes by them, the menu shows the centre by them). */
export const WARNING_MODULE_PERMISSIONS: Record<WarningModule, { read: Permission; handle: Permission }> = {
  development: { read: 'development.read', handle: 'development.manage' },
  dues: { read: 'dues.read', handle: 'dues.manage' },
  org: { read: 'org.read', handle: 'org.update' },
  transfer: { read: 'transfer.read', handle: 'transfer.manage' },
  meeting: { read: 'meeting.read', handle: 'meeting.manage' },
  index: { read: 'points.read', handle: 'points.manage' },
  project: { read: 'project.read', handle: 'project.manage' },
  map: { read: 'org.read', handle: 'org.update' },
  mall: { read: 'mall.read', handle: 'mall.manage' },
  volunteer: { read: 'volunteer.read', handle: 'volunteer.manage' },
  need: { read: 'volunteer.read', handle: 'volunteer.manage' },
  club: { read: 'volunteer.read', handle: 'volunteer.manage' },
};

export const WARNING_LEVELS = { error: '红色', warning: '黄色', info: '蓝色' } as const;
export const WARNING_STATUSES = { open: '待处理', acknowledged: '已知悉', resolved: '已办结' } as const;
export const WarningStatus = z.enum(['open', 'acknowledged', 'resolved']);
export type WarningStatus = z.infer<typeof WarningStatus>;

export const ListWarningsQuery = PageQuery.extend({
  /** narrow to an org's subtree (within the caller's scope) */
  orgId: z.uuid().optional(),
  module: WarningModuleEnum.optional(),
  level: WorkbenchLevel.optional(),
  /** live warnings in this status; `cleared`: the history of those whose fact has changed */
  status: z.enum(['open', 'acknowledged', 'resolved', 'live', 'cleared']).default('live'),
  /** words in the title, the detail or the org's name */
  q: Text.pipe(z.string().trim().max(50)).optional(),
});
export type ListWarningsQuery = z.infer<typeof ListWarningsQuery>;

export const WarningItem = z.object({
  id: z.uuid(),
  module: WarningModuleEnum,
  kind: Text,
  /** the kind's Chinese label */
  kindLabel: Text,
  orgId: z.uuid(),
  orgName: Text,
  title: Text,
  detail: Text,
  level: WorkbenchLevel,
  /** the rule the warning rests on, or null */
  source: Text.nullable(),
  /** the console page that deals with it */
  link: Text,
  dueOn: Text.nullable(),
  /** when the triggering fact arose, where its module knows it */
  factAt: Text.nullable(),
  discoveredAt: Text,
  /** seconds from the triggering fact to the scan that found it (null: the fact's time is not known) */
  discoverySeconds: z.number().int().nullable(),
  status: WarningStatus,
  acknowledgedAt: Text.nullable(),
  acknowledgedBy: Text.nullable(),
  resolvedAt: Text.nullable(),
  /** who resolved it; null with a resolvedAt: cleared automatically when the fact changed */
  resolvedBy: Text.nullable(),
  note: Text.nullable(),
  clearedAt: Text.nullable(),
  /** whether the caller may acknowledge or resolve it (the module's manage permission over the org) */
  canHandle: z.boolean(),
});
export type WarningItem = z.infer<typeof WarningItem>;

export const WarningCounts = z.object({ open: z.number().int(), acknowledged: z.number().int(), error: z.number().int(), warning: z.number().int(), info: z.number().int() });
export type WarningCounts = z.infer<typeof WarningCounts>;

export const WarningPage = z.object({
  items: z.array(WarningItem),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** the live warnings in the caller's scope (the orgId narrowing applied, the other filters not) */
  counts: WarningCounts,
  /** when the last scan finished, or null before the first */
  lastScanAt: Text.nullable(),
});
export type WarningPage = z.infer<typeof WarningPage>;

export const HandleWarningBody = z.object({
  /** acknowledge: known, being dealt with; resolve: dealt with (a note is required) */
  action: z.enum(['acknowledge', 'resolve']),
  note: Text.pipe(z.string().trim().max(500, { message: '说明不超过500字' })).optional(),
}).superRefine((b, c) => {
  if (b.action === 'resolve' && (!b.note || b.note.length < 2)) c.addIssue({ code: 'custom', path: ['note'], message: '办结时请填写处理说明（至少2个字）' });
});
export type HandleWarningBody = z.infer<typeof HandleWarningBody>;

export const ScanWarningsResult = z.object({ found: z.number().int(), opened: z.number().int(), cleared: z.number().int(), failed: z.array(Text) });
export type ScanWarningsResult = z.infer<typeof ScanWarningsResult>;

// The main problems of a subtree (精准发现主要问题, issue 15): the live
// warnings by kind — size, orgs concerned, the trend against 30 days before —
// and the index's weakest sub-indices, each explained in a sentence with the
// orgs most concerned and a link to act; a one-page brief in Word.

export const ProblemAnalysisQuery = z.object({ orgId: z.uuid().optional() });
export type ProblemAnalysisQuery = z.infer<typeof ProblemAnalysisQuery>;

export const Problem = z.object({
  key: Text,
  /** warnings, or the branch index's sub-indices */
  source: z.enum(['warnings', 'index']),
  title: Text,
  level: WorkbenchLevel,
  /** how many (warnings, or the sub-index's average score) */
  size: z.number(),
  /** the same 30 days before (warnings) or the quarter before (index), null where unknown */
  before: z.number().nullable(),
  orgs: z.number().int(),
  /** the orgs most concerned (names only) */
  topOrgs: z.array(Text),
  /** the problem in one or two sentences */
  explanation: Text,
  link: Text,
});
export type Problem = z.infer<typeof Problem>;

export const ProblemAnalysis = z.object({
  org: z.object({ id: z.uuid(), name: Text }),
  asOf: Text,
  /** the day the trend compares with */
  comparedWith: Text,
  problems: z.array(Problem),
});
export type ProblemAnalysis = z.infer<typeof ProblemAnalysis>;
