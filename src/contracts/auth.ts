import { z } from 'zod';
import { Text } from './common';
import { PERMISSIONS, ROLES, type Permission } from './permissions';

export const LoginBody = z.object({
  username: Text.trim().min(1, { message: '请输入用户名' }).max(64),
  password: Text.min(1, { message: '请输入密码' }).max(256),
  totpCode: Text.trim().regex(/^\d{6}$/, { message: '动态验证码为6位数字' }).optional(),
});

export const RoleGrantView = z.object({
  id: z.uuid(),
  role: z.enum(Object.keys(ROLES) as [keyof typeof ROLES, ...(keyof typeof ROLES)[]]),
  orgId: z.uuid().nullable(),
  orgName: Text.nullable(),
  scope: z.enum(['self', 'node', 'subtree']),
});
export type RoleGrantView = z.infer<typeof RoleGrantView>;

export const MeView = z.object({
  id: z.uuid(),
  username: Text,
  displayName: Text,
  personId: z.uuid().nullable(),
  grants: z.array(RoleGrantView),
  permissions: z.array(z.enum(Object.keys(PERMISSIONS) as [Permission, ...Permission[]])),
  // org nodes from which the user's scope starts (for the org switcher and the tree)
  scopeRoots: z.array(z.object({ id: z.uuid(), name: Text, type: Text })),
  idleTimeoutSeconds: z.number().int(),
  isDemo: z.boolean(),
  totpEnabled: z.boolean(),
  // an administrator without a second factor where one is required may only enrol
  totpEnrollmentRequired: z.boolean(),
  // a password set by the security administrator (new account, reset) must be replaced first
  passwordChangeRequired: z.boolean(),
});
export type MeView = z.infer<typeof MeView>;

export const ChangePasswordBody = z.object({
  currentPassword: Text.min(1, { message: '请输入当前密码' }),
  newPassword: Text.min(1, { message: '请输入新密码' }).max(256),
});

export const TotpSetupView = z.object({ secret: Text, otpauthUri: Text, qrSvg: Text });
export const TotpEnableBody = z.object({ code: Text.trim().regex(/^\d{6}$/, { message: '动态验证码为6位数字' }) });
