import { z } from 'zod';
import { Text } from './common';

// The 工作台 (console home): one answer with a section per registered source
// (development deadlines, dues, org setup checks, unread notifications, and
// whatever later modules register) that the caller's role may read, each
// scoped like the source's own list. Warnings come grouped by kind: one group
// per kind with its count, the rule citation once, and the first items.

/** How many items a group lists at most (its `count` is the whole number). */
export const WORKBENCH_GROUP_ITEMS = 10;

export const WorkbenchLevel = z.enum(['error', 'warning', 'info']);
export type WorkbenchLevel = z.infer<typeof WorkbenchLevel>;

export const WorkbenchItem = z.object({
  /** the object's id where the page acts on it (a notification, marked read when opened) */
  id: Text.optional(),
  /** what the item is about (a person's or an org's name, a notification's title) */
  title: Text,
  /** what is wrong or due, in one line */
  detail: Text.nullable(),
  orgName: Text.nullable(),
  /** the date or month the item is about (a due date, a since-month, when a notification came) */
  date: Text.nullable(),
  /** the console page that deals with it */
  link: Text.nullable(),
  level: WorkbenchLevel,
});
export type WorkbenchItem = z.infer<typeof WorkbenchItem>;

export const WorkbenchGroup = z.object({
  kind: Text,
  label: Text,
  level: WorkbenchLevel,
  /** all items of this kind in the caller's scope */
  count: z.number().int(),
  /** the rule the warning rests on, once for the whole group (null: none) */
  source: Text.nullable(),
  /** the first items (at most WORKBENCH_GROUP_ITEMS) */
  items: z.array(WorkbenchItem),
  /** the list page with every item of the group */
  link: Text.nullable(),
});
export type WorkbenchGroup = z.infer<typeof WorkbenchGroup>;

export const WorkbenchStat = z.object({ label: Text, value: z.number(), unit: Text, link: Text.nullable() });

export const WorkbenchSection = z.object({
  key: Text,
  title: Text,
  /** the module's own page */
  link: Text.nullable(),
  /** a few headline numbers */
  stats: z.array(WorkbenchStat),
  groups: z.array(WorkbenchGroup),
  /** a line shown when there are no groups */
  empty: Text,
});
export type WorkbenchSection = z.infer<typeof WorkbenchSection>;

/** `orgId`: narrow every section to one org and its subtree (the header's org switcher); absent: the whole scope. */
export const GetWorkbenchQuery = z.object({ orgId: z.uuid().optional() });
export type GetWorkbenchQuery = z.infer<typeof GetWorkbenchQuery>;

export const Workbench = z.object({
  /** the business day the sections were computed for */
  today: Text,
  sections: z.array(WorkbenchSection),
});
export type Workbench = z.infer<typeof Workbench>;

/** Kinds of in-app notifications (notification.kind) and their labels. */
export const NOTIFICATION_KINDS = {
  development: '发展党员期限',
  org_term: '换届提醒',
  dues_arrears: '党费欠交',
  job: '后台任务',
  calendar: '工作日历',
  transfer: '组织关系转接',
  meeting: '组织生活',
  points: '党员积分',
  report: '定期报表',
  mall: '积分商城',
  volunteer: '志愿服务',
  need: '群众需求',
  post: '短视频与动态',
  community_report: '双报到',
  club: '社团',
  other: '其他通知',
} as const;
export type NotificationKind = keyof typeof NOTIFICATION_KINDS;
