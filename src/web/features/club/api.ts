import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Created } from '../../../contracts/common';
import type {
  ClubDetail, ClubPage, ClubStatus, ClubView, CreateClubActivityBody, CreateClubBody, DissolveClubBody, ListClubsQuery, MyClubDetail, MyClubs, ReviewClubBody,
} from '../../../contracts/club';
import { api } from '../../shared/api';

// Clubs (src/server/domains/club/club.routes.ts) as TanStack Query hooks: the
// console's list, detail, 审核 and 解散; the phone's clubs, 申请成立, 加入/退出 and
// the leader's 发布活动. Sign-up to a club's activity is the volunteer sign-up,
// so a change refreshes both ['club'] and ['volunteer'].

export type { ClubDetail, ClubPage, ClubStatus, ClubView, MyClubDetail, MyClubs };
export type ClubFilters = Partial<Omit<ListClubsQuery, 'page' | 'pageSize'>> & { page: number; pageSize: number };

const BASE = '/api/v1/clubs';
const MINE = '/api/v1/me/clubs';

export const CLUB_STATUS_COLORS: Record<ClubStatus, string> = { pending: 'processing', active: 'success', rejected: 'default', dissolved: 'default' };

export function useClubs(f: ClubFilters) {
  return useQuery({ queryKey: ['club', 'list', f], queryFn: () => api.get<ClubPage>(BASE, { ...f }), placeholderData: keepPreviousData });
}
export function useClub(id: string | undefined) {
  return useQuery({ queryKey: ['club', 'detail', id], queryFn: () => api.get<ClubDetail>(`${BASE}/${id}`), enabled: !!id });
}
export function useMyClubs(communityOrgId: string | undefined) {
  return useQuery({ queryKey: ['club', 'mine', communityOrgId ?? null], queryFn: () => api.get<MyClubs>(MINE, communityOrgId ? { communityOrgId } : {}), placeholderData: keepPreviousData });
}
export function useMyClub(id: string | undefined) {
  return useQuery({ queryKey: ['club', 'my-detail', id], queryFn: () => api.get<MyClubDetail>(`${MINE}/${id}`), enabled: !!id });
}

function useClubMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: async () => {
      await Promise.all([qc.invalidateQueries({ queryKey: ['club'] }), qc.invalidateQueries({ queryKey: ['volunteer'] })]);
    },
  });
}

export const useCreateClub = () => useClubMutation((b: CreateClubBody) => api.post<z.infer<typeof Created>>(MINE, b));
export const useJoinClub = () => useClubMutation((id: string) => api.post<MyClubDetail>(`${MINE}/${id}/join`, {}));
export const useLeaveClub = () => useClubMutation((id: string) => api.post<MyClubDetail>(`${MINE}/${id}/leave`, {}));
export const useCreateClubActivity = () => useClubMutation((v: { id: string; body: CreateClubActivityBody }) => api.post<z.infer<typeof Created>>(`${MINE}/${v.id}/activities`, v.body));
export const useClubSignUp = () => useClubMutation((activityId: string) => api.post<unknown>('/api/v1/me/volunteer/signups', { activityId }));
export const useClubWithdraw = () => useClubMutation((signupId: string) => api.post<unknown>(`/api/v1/me/volunteer/signups/${signupId}/withdraw`, {}));
export const useReviewClub = () => useClubMutation((v: { id: string; body: ReviewClubBody }) => api.post<ClubDetail>(`${BASE}/${v.id}/review`, v.body));
export const useDissolveClub = () => useClubMutation((v: { id: string; body: DissolveClubBody }) => api.post<ClubDetail>(`${BASE}/${v.id}/dissolve`, v.body));
