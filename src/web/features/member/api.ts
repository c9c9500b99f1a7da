import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CreateMemberBody, MemberDetail, MemberListItem, MemberPage as MemberPageSchema, RecordMemberEventBody, RevealResult, UpdateMemberBody } from '../../../contracts/member';
import type { FileList, FileView } from '../../../contracts/admin';
import type { Created, Ok } from '../../../contracts/common';
import type { SensitiveField } from '../../../contracts/dict';
import { api } from '../../shared/api';

export type { MemberDetail, MemberListItem };
export type StoredFile = z.infer<typeof FileView>;
export type MemberStatusFilter = 'current' | 'probationary' | 'full' | 'former';

export const STATUS_FILTERS: Record<MemberStatusFilter, string> = { current: '在册', full: '正式党员', probationary: '预备党员', former: '已减少' };

export interface MemberFilters {
  orgId?: string;
  q?: string;
  status: MemberStatusFilter;
  sex?: 'male' | 'female';
  education?: string;
  sort: 'name' | 'joinDate' | 'birthDate';
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export type MemberPage = z.infer<typeof MemberPageSchema>;

export function useMembers(f: MemberFilters) {
  return useQuery({
    queryKey: ['members', 'list', f],
    queryFn: () => api.get<MemberPage>('/api/v1/members', { ...f }),
    placeholderData: keepPreviousData,
  });
}

export function useMember(id: string | undefined) {
  return useQuery({ queryKey: ['members', 'detail', id], queryFn: () => api.get<MemberDetail>(`/api/v1/members/${id}`), enabled: !!id });
}

function useMemberMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['members'] });
      void qc.invalidateQueries({ queryKey: ['orgs'] });
    },
  });
}

export const useCreateMember = () => useMemberMutation((b: z.input<typeof CreateMemberBody>) => api.post<z.infer<typeof Created>>('/api/v1/members', b));
export const useUpdateMember = () => useMemberMutation(({ id, body }: { id: string; body: z.input<typeof UpdateMemberBody> }) => api.patch<z.infer<typeof Ok>>(`/api/v1/members/${id}`, body));
export const useRecordEvent = () =>
  useMemberMutation(({ id, body }: { id: string; body: z.input<typeof RecordMemberEventBody> }) => api.post<z.infer<typeof Ok>>(`/api/v1/members/${id}/events`, body));

/** The branch resets a member's activation: the phone account is disabled and the member activates again. */
export const useResetActivation = () => useMemberMutation(({ id }: { id: string }) => api.post<z.infer<typeof Ok>>(`/api/v1/members/${id}/activation/reset`, {}));

export const revealField = (id: string, field: SensitiveField, reason: string) =>
  api.post<z.infer<typeof RevealResult>>(`/api/v1/members/${id}/reveal`, { field, reason });

/** The roster as Excel: the list's filters, narrowed to the ticked rows when given. */
export const exportMembers = (f: Pick<MemberFilters, 'orgId' | 'q' | 'status' | 'sex' | 'education'>, ids?: readonly string[]) =>
  api.download('/api/v1/members/export', { orgId: f.orgId, q: f.q, status: f.status, sex: f.sex, education: f.education, ids: ids?.length ? ids.join(',') : undefined }, '党员名册.xlsx');

export function useFiles(ownerType: 'person' | 'org', ownerId: string, enabled = true) {
  return useQuery({
    queryKey: ['files', ownerType, ownerId],
    queryFn: () => api.get<z.infer<typeof FileList>>('/api/v1/files', { ownerType, ownerId }).then((r) => r.items),
    enabled,
  });
}

export function useUploadFile(ownerType: 'person' | 'org', ownerId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => api.upload<StoredFile>('/api/v1/files', file, file.name, { ownerType, ownerId }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['files', ownerType, ownerId] }),
  });
}

export const downloadFile = (f: StoredFile) => api.download(`/api/v1/files/${f.id}`, undefined, f.fileName);
