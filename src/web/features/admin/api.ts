import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { AccountPage, AccountView, AuditEntryView, AuditPage, AuditVerifyResult, BackupList, BackupStarted, CreateAccountBody, GrantRoleBody, RuleVersionList, RuleVersionView, UpdateAccountBody } from '../../../contracts/admin';
import type { Created, Ok } from '../../../contracts/common';
import { api } from '../../shared/api';
import type { LinkAccountPersonBody, LinkedPersonView } from '../../../contracts/activation';

export type Account = z.infer<typeof AccountView>;
export type AuditEntry = z.infer<typeof AuditEntryView>;
export type AuditVerify = z.infer<typeof AuditVerifyResult>;

export function useAccounts(q: string, page: number, pageSize: number) {
  return useQuery({
    queryKey: ['accounts', q, page, pageSize],
    queryFn: () => api.get<z.infer<typeof AccountPage>>('/api/v1/accounts', { q, page, pageSize }),
    placeholderData: keepPreviousData,
  });
}

function useAccountMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: ['accounts'] }) });
}

export const useCreateAccount = () =>
  useAccountMutation((b: z.input<typeof CreateAccountBody>) => api.post<z.infer<typeof Created>>('/api/v1/accounts', b));
export const useUpdateAccount = () =>
  useAccountMutation(({ id, ...body }: { id: string } & z.input<typeof UpdateAccountBody>) => api.patch<z.infer<typeof Ok>>(`/api/v1/accounts/${id}`, body));
export const useGrantRole = () => useAccountMutation(({ id, body }: { id: string; body: z.input<typeof GrantRoleBody> }) => api.post(`/api/v1/accounts/${id}/grants`, body));
export const useLinkPerson = () =>
  useAccountMutation(({ id, body }: { id: string; body: z.input<typeof LinkAccountPersonBody> }) => api.post<z.infer<typeof LinkedPersonView>>(`/api/v1/accounts/${id}/person`, body));
export const useRevokeRole = () => useAccountMutation(({ id, grantId }: { id: string; grantId: string }) => api.del(`/api/v1/accounts/${id}/grants/${grantId}`));

export interface AuditFilters {
  action?: string;
  username?: string;
  outcome?: 'success' | 'denied' | 'failure';
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

export function useAuditLog(f: AuditFilters) {
  return useQuery({ queryKey: ['audit', f], queryFn: () => api.get<z.infer<typeof AuditPage>>('/api/v1/audit', { ...f }), placeholderData: keepPreviousData });
}

export const verifyAudit = () => api.post<AuditVerify>('/api/v1/audit/verify');

export type RuleVersion = z.infer<typeof RuleVersionView>;

export function useRules() {
  return useQuery({ queryKey: ['rules'], queryFn: () => api.get<z.infer<typeof RuleVersionList>>('/api/v1/rules').then((r) => r.items) });
}

export { AUDIT_ACTIONS } from '../../../contracts/audit-labels';

export const AUDIT_ACTION_GROUPS = [
  { value: 'auth.', label: '登录与密码' },
  { value: 'access.', label: '越权访问' },
  { value: 'account.', label: '账号' },
  { value: 'role.', label: '角色授权' },
  { value: 'org.', label: '组织' },
  { value: 'member.', label: '党员' },
  { value: 'member.reveal', label: '查看敏感信息' },
  { value: 'member.export', label: '导出名册' },
  { value: 'development.', label: '发展党员' },
  { value: 'dues.', label: '党费' },
  { value: 'calendar.', label: '工作日历' },
  { value: 'file.', label: '附件' },
  { value: 'audit.', label: '审计' },
  { value: 'system.', label: '系统' },
];

export const OUTCOMES: Record<AuditEntry['outcome'], { text: string; color: string }> = {
  success: { text: '成功', color: 'green' },
  denied: { text: '拒绝', color: 'orange' },
  failure: { text: '失败', color: 'red' },
};

export type Backups = z.infer<typeof BackupList>;

/** 数据备份: the backups in BACKUP_DIR and the schedule. */
export function useBackups() {
  return useQuery({ queryKey: ['backups'], queryFn: () => api.get<Backups>('/api/v1/system/backups') });
}

export function useStartBackup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<z.infer<typeof BackupStarted>>('/api/v1/system/backups', {}),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['jobs'] }),
  });
}
