import { z } from 'zod';
import { ROLES } from './permissions';
import { IsoDate, PageQuery, Text, pageOf } from './common';

const roleKeys = Object.keys(ROLES) as [keyof typeof ROLES, ...(keyof typeof ROLES)[]];
export const RoleEnum = z.enum(roleKeys, { message: '请选择角色' });
export const ScopeEnum = z.enum(['self', 'node', 'subtree'], { message: '请选择数据范围' });

export const AccountView = z.object({
  id: z.uuid(),
  username: Text,
  displayName: Text,
  isDisabled: z.boolean(),
  isLocked: z.boolean(),
  totpEnabled: z.boolean(),
  personId: z.uuid().nullable(),
  createdAt: Text,
  grants: z.array(z.object({ id: z.uuid(), role: RoleEnum, orgId: z.uuid().nullable(), orgName: Text.nullable(), scope: ScopeEnum })),
});
export const AccountPage = pageOf(AccountView);
export const ListAccountsQuery = PageQuery.extend({ q: Text.trim().max(50).optional() });

export const CreateAccountBody = z.object({
  username: Text.trim().regex(/^[A-Za-z][A-Za-z0-9_.]{2,31}$/, { message: '用户名以字母开头，3–32位字母、数字、下划线或点' }),
  displayName: Text.trim().min(1, { message: '请填写姓名' }).max(50),
  password: Text.min(1, { message: '请设置初始密码' }).max(256),
  personId: z.uuid().nullish(),
});
export const UpdateAccountBody = z.object({
  displayName: Text.trim().min(1).max(50).optional(),
  isDisabled: z.boolean().optional(),
  password: Text.min(1).max(256).optional(),
  resetTotp: z.literal(true).optional(),
});
export const GrantRoleBody = z.object({
  role: RoleEnum,
  orgId: z.uuid().nullish(),
  scope: ScopeEnum,
});

export const AuditEntryView = z.object({
  id: z.number().int(),
  at: Text,
  username: Text.nullable(),
  roles: Text.nullable(),
  action: Text,
  objectType: Text.nullable(),
  objectId: Text.nullable(),
  /** the object's name (a person, an org, an account…), resolved when listed */
  objectName: Text.nullable(),
  outcome: z.enum(['success', 'denied', 'failure']),
  ip: Text.nullable(),
  requestId: Text.nullable(),
  detail: z.record(Text, z.unknown()),
});
export const AuditPage = pageOf(AuditEntryView);
export const ListAuditQuery = PageQuery.extend({
  action: Text.max(64).optional(),
  username: Text.max(64).optional(),
  outcome: z.enum(['success', 'denied', 'failure']).optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
});
export const AuditProblem = z.object({
  id: z.number().int(),
  kind: z.enum(['missing', 'relinked', 'modified', 'truncated', 'head', 'checkpoint', 'checkpoint_invalid', 'scheme']),
  reason: Text,
});
export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBrokenId: z.number().int().nullable(),
  reason: Text.nullable(),
  /** every problem in row order, the first 100 (problemCount counts them all) */
  problems: z.array(AuditProblem),
  problemCount: z.number().int(),
  keyedFrom: z.number().int().nullable(),
  checkpoints: z.object({ checked: z.number().int(), latestId: z.number().int().nullable(), latestAt: z.string().nullable() }).nullable(),
});

/** Every kind of background job, as the 任务记录 page names it (a test checks each registered kind is here). */
export const JOB_KINDS: Record<string, string> = {
  'member.import': '党员批量导入',
  'org.term_reminders': '换届到期提醒',
  'development.deadlines': '发展党员期限提醒',
  'dues.monthly_bills': '生成月度党费账单',
  'reports.deliver': '生成定期报表',
  'dues.payments': '查询在线支付结果',
  'dues.reconciliation': '与支付机构对账',
  'audit.checkpoint': '审计日志签名检查点',
  'system.calendar_reminder': '下一年工作日历提醒',
  'system.backup': '数据备份',
  'transfer.expiry': '组织关系介绍信到期处理与提醒',
  'meeting.reminders': '组织生活未按期召开提醒',
  'meeting.transcribe': '会议录音转写',
  'points.daily': '党员积分计分、到期与兑换冻结退回',
  'mall.daily': '积分商城逾期未领取的兑换退回',
  'need.escalate': '群众需求超时无人接单上报社区',
  'post.transcode': '短视频转码与封面截取',
  'index.recompute': '重新计算支部先锋指数',
  'points.backfill': '按日期范围补计积分',
  'warnings.scan': '预警扫描',
  'maintenance.cleanup': '过期会话与临时文件清理',
};

export const JobView = z.object({
  id: z.uuid(),
  kind: Text,
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  progress: z.number().int(),
  progressTotal: z.number().int().nullable(),
  message: Text.nullable(),
  attempts: z.number().int(),
  lastError: Text.nullable(),
  result: z.unknown().nullable(),
  createdAt: Text,
  startedAt: Text.nullable(),
  finishedAt: Text.nullable(),
});
export const JobPage = pageOf(JobView);

export const NotificationView = z.object({ id: z.uuid(), title: Text, body: Text, link: Text.nullable(), createdAt: Text, readAt: Text.nullable() });
export const NotificationPage = pageOf(NotificationView).extend({ unread: z.number().int() });

export const FileView = z.object({ id: z.uuid(), fileName: Text, mime: Text, sizeBytes: z.number().int(), createdAt: Text });

export const FileList = z.object({ items: z.array(FileView) });

/** A rule version as the system administrator reads it (rules as data, RULES.md). */
export const RuleVersionView = z.object({ id: z.uuid(), domain: z.string(), key: z.string(), scopeOrgId: z.uuid().nullable(), effectiveFrom: z.string(), effectiveTo: z.string().nullable(), source: z.string(), body: z.unknown() });
export const RuleVersionList = z.object({ items: z.array(RuleVersionView) });
export const Health = z.object({ status: z.literal('ok'), database: z.literal('ok') });

/** 数据备份: the scheduled backups in BACKUP_DIR (newest first) and the schedule. */
export const BackupList = z.object({
  dir: Text,
  /** hours between scheduled backups; 0: none scheduled */
  everyHours: z.number().int(),
  keep: z.number().int(),
  items: z.array(z.object({ name: Text, complete: z.boolean(), createdAt: Text.nullable(), tables: z.number().int(), rows: z.number().int(), sizeBytes: z.number().int() })),
});
export const BackupStarted = z.object({ jobId: z.uuid() });
