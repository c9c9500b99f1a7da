import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Created } from '../../../contracts/common';
import type {
  CancelNeedBody, CompleteNeedBody, ListNeedsQuery, MatchNeedBody, MyNeeds, MyServableNeeds, NeedAdminView, NeedCandidate, NeedDetail, NeedPage, NeedStatus, NeedView, PublishNeedBody, RateNeedBody,
  SaveVolunteerProfileBody, ServableNeedView, VolunteerProfileView,
} from '../../../contracts/need';
import { api } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';

// Needs (群众需求 / 微心愿, src/server/domains/need/need.routes.ts) as TanStack
// Query hooks: the resident's own needs (发布, 撤回, 评价), the volunteer's
// side (接单意愿, 待接单, 接单, 办结) and the console's list and 派单.
// Every change refreshes everything under ['need'].

export type { MyNeeds, MyServableNeeds, NeedAdminView, NeedCandidate, NeedDetail, NeedPage, NeedStatus, NeedView, ServableNeedView, VolunteerProfileView };
export type NeedFilters = Partial<Omit<ListNeedsQuery, 'page' | 'pageSize'>> & { page: number; pageSize: number };

const BASE = '/api/v1/needs';
const MINE = '/api/v1/me/needs';
const SERVE = '/api/v1/me/volunteer';

export function useNeeds(f: NeedFilters) {
  return useQuery({ queryKey: ['need', 'list', f], queryFn: () => api.get<NeedPage>(BASE, { ...f }), placeholderData: keepPreviousData });
}
export function useNeed(id: string | undefined) {
  return useQuery({ queryKey: ['need', 'detail', id], queryFn: () => api.get<NeedDetail>(`${BASE}/${id}`), enabled: !!id });
}
export function useMyNeeds() {
  return useQuery({ queryKey: ['need', 'mine'], queryFn: () => api.get<MyNeeds>(MINE) });
}
export function useMyServableNeeds() {
  return useQuery({ queryKey: ['need', 'servable'], queryFn: () => api.get<MyServableNeeds>(`${SERVE}/needs`) });
}

/** A change, then everything under ['need'] afresh: also after a refusal (NEED_STATE: someone else claimed it first), so the page shows how things stand. */
function useNeedMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: ['need'] }) });
}

export const usePublishNeed = () => useNeedMutation((b: PublishNeedBody) => api.post<z.infer<typeof Created>>(MINE, b));
export const useCancelNeed = () => useNeedMutation((v: { id: string; body: CancelNeedBody }) => api.post<NeedView>(`${MINE}/${v.id}/cancel`, v.body));
export const useRateNeed = () => useNeedMutation((v: { id: string; body: RateNeedBody }) => api.post<NeedView>(`${MINE}/${v.id}/rate`, v.body));
export const useSaveVolunteerProfile = () => useNeedMutation((b: SaveVolunteerProfileBody) => api.put<VolunteerProfileView>(`${SERVE}/profile`, b));
export const useClaimNeed = () => useNeedMutation((id: string) => api.post<ServableNeedView>(`${SERVE}/needs/${id}/claim`, {}));
export const useCompleteNeed = () => useNeedMutation((v: { id: string; body: CompleteNeedBody }) => api.post<ServableNeedView>(`${SERVE}/needs/${v.id}/complete`, v.body));
export const useMatchNeed = () => useNeedMutation((v: { id: string; body: MatchNeedBody }) => api.post<NeedDetail>(`${BASE}/${v.id}/match`, v.body));

/** A need's time window in Beijing: 2026-12-20 09:00—12:00 (both dates when it runs past midnight). */
export function needWindow(n: { windowFrom: string; windowTo: string }): string {
  const s = formatDateTime(n.windowFrom);
  const e = formatDateTime(n.windowTo);
  return s.slice(0, 10) === e.slice(0, 10) ? `${s}—${e.slice(11)}` : `${s}—${e}`;
}

/** The tag colour of each status. */
export const NEED_STATUS_COLORS: Record<NeedStatus, string> = { open: 'processing', claimed: 'orange', completed: 'cyan', rated: 'success', cancelled: 'default' };

/** A distance as shown: one decimal, in km. */
export const kmText = (km: number | null) => (km === null ? '—' : `${Math.round(km * 10) / 10} km`);
