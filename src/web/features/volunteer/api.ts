import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Created } from '../../../contracts/common';
import type {
  AttestHoursBody, CancelVolunteerActivityBody, CreateVolunteerActivityBody, ListVolunteerActivitiesQuery, MyVolunteer, OpenActivityView, VolunteerActivityDetail, VolunteerActivityPage,
  VolunteerActivityView, VolunteerSignupView,
} from '../../../contracts/volunteer';
import { api } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';

// Volunteer service (志愿服务, src/server/domains/volunteer/volunteer.routes.ts)
// as TanStack Query hooks. Every change refreshes everything under ['volunteer'].

export type { MyVolunteer, OpenActivityView, VolunteerActivityDetail, VolunteerActivityPage, VolunteerActivityView, VolunteerSignupView };
export type ActivityFilters = Partial<Omit<ListVolunteerActivitiesQuery, 'page' | 'pageSize'>> & { page: number; pageSize: number };

const BASE = '/api/v1/volunteer/activities';

export function useVolunteerActivities(f: ActivityFilters) {
  return useQuery({ queryKey: ['volunteer', 'activities', f], queryFn: () => api.get<VolunteerActivityPage>(BASE, { ...f }), placeholderData: keepPreviousData });
}
export function useVolunteerActivity(id: string | undefined) {
  return useQuery({ queryKey: ['volunteer', 'activity', id], queryFn: () => api.get<VolunteerActivityDetail>(`${BASE}/${id}`), enabled: !!id });
}
export function useMyVolunteer() {
  return useQuery({ queryKey: ['volunteer', 'mine'], queryFn: () => api.get<MyVolunteer>('/api/v1/me/volunteer') });
}

function useVolunteerMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: ['volunteer'] }) });
}

export const useCreateActivity = () => useVolunteerMutation((b: CreateVolunteerActivityBody) => api.post<z.infer<typeof Created>>(BASE, b));
export const useCancelActivity = () => useVolunteerMutation((v: { id: string; body: CancelVolunteerActivityBody }) => api.post<VolunteerActivityView>(`${BASE}/${v.id}/cancel`, v.body));
export const useAttestHours = () => useVolunteerMutation((v: { id: string; body: AttestHoursBody }) => api.post<VolunteerActivityDetail>(`${BASE}/${v.id}/attest`, v.body));
export const useSignUp = () => useVolunteerMutation((activityId: string) => api.post<MyVolunteer>('/api/v1/me/volunteer/signups', { activityId }));
export const useWithdraw = () => useVolunteerMutation((signupId: string) => api.post<MyVolunteer>(`/api/v1/me/volunteer/signups/${signupId}/withdraw`, {}));

/** The certificate (PDF) of a year, downloaded by the browser with the session cookie. */
export const certificateUrl = (year: number) => `/api/v1/me/volunteer/certificate?year=${year}`;

/** An activity's time in Beijing: 2026-12-20 09:00—12:00 (both dates when it runs past midnight). */
export function activityTime(a: { startsAt: string; endsAt: string }): string {
  const s = formatDateTime(a.startsAt);
  const e = formatDateTime(a.endsAt);
  return s.slice(0, 10) === e.slice(0, 10) ? `${s}—${e.slice(11)}` : `${s}—${e}`;
}

/** Hours as shown: at most one decimal. */
export const hoursText = (h: number) => `${Math.round(h * 10) / 10}`;
