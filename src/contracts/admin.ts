import { z } from 'zod';
import { ROLES } from './permissions';
import { pageOf, PageQuery } from './common';

const roleKeys = Object.keys(ROLES) as [keyof typeof ROLES, ...(keyof typeof ROLES)[]];
export const RoleEnum = z.enum(roleKeys, { message: '请选择角色' });
export const ScopeEnum = z.enum(['self', 'node', 'subtree'], { message: '请选择数据范围' });

export const AccountView = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  isDisabled: z.boolean(),
  isLocked: z.boolean(),
  totpEnabled: z.boolean(),
  personId: z.uuid().nullable(),
  createdAt: z.string(),
  grants: z.array(z.object({ id: z.uuid(), role: RoleEnum, orgId: z.uuid().nullable(), orgName: z.string().nullable(), scope: ScopeEnum })),
});
export const AccountPage = pageOf(AccountView);
export const ListAccountsQuery = PageQuery.extend({ q: z.string().trim().max(50).optional() });

export const CreateAccountBody = z.object({
  username: z.string().trim().regex(/^[A-Za-z][A-Za-z0-9_.]{2,31}$/, { message: '用户名以字母开头，3–32位字母、数字、下划线或点' }),
  displayName: z.string().trim().min(1, { message: '请填写姓名' }).max(50),
  password: z.string().min(1, { message: '请设置初始密码' }).max(256),
  personId: z.uuid().nullish(),
});
export const UpdateAccountBody = z.object({
  displayName: z.string().trim().min(1).max(50).optional(),
  isDisabled: z.boolean().optional(),
  password: z.string().min(1).max(256).optional(),
  resetTotp: z.literal(true).optional(),
});
export const GrantRoleBody = z.object({
  role: RoleEnum,
  orgId: z.uuid().nullish(),
  scope: ScopeEnum,
});

export const AuditEntryView = z.object({
  id: z.number().int(),
  at: z.string(),
  username: z.string().nullable(),
  roles: z.string().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  outcome: z.enum(['success', 'denied', 'failure']),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export const AuditPage = pageOf(AuditEntryView);
export const ListAuditQuery = PageQuery.extend({
  action: z.string().max(64).optional(),
  username: z.string().max(64).optional(),
  outcome: z.enum(['success', 'denied', 'failure']).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
});
export const AuditProblem = z.object({
  id: z.number().int(),
  kind: z.enum(['missing', 'relinked', 'modified', 'truncated', 'head', 'checkpoint', 'checkpoint_invalid', 'scheme']),
  reason: z.string(),
});
export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  firstBrokenId: z.number().int().nullable(),
  reason: z.string().nullable(),
  /** every problem in row order, the first 100 (problemCount counts them all) */
  problems: z.array(AuditProblem),
  problemCount: z.number().int(),
  keyedFrom: z.number().int().nullable(),
  checkpoints: z.object({ checked: z.number().int(), latestId: z.number().int().nullable(), latestAt: z.string().nullable() }).nullable(),
});

export const JobView = z.object({
  id: z.uuid(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
  progress: z.number().int(),
  progressTotal: z.number().int().nullable(),
  message: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  result: z.unknown().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export const JobPage = pageOf(JobView);

export const NotificationView = z.object({ id: z.uuid(), title: z.string(), body: z.string(), link: z.string().nullable(), createdAt: z.string(), readAt: z.string().nullable() });
export const NotificationPage = pageOf(NotificationView).extend({ unread: z.number().int() });

export const FileView = z.object({ id: z.uuid(), fileName: z.string(), mime: z.string(), sizeBytes: z.number().int(), createdAt: z.string() });
