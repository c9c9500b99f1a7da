import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AddCorrectionBody, CalendarFeed, CancelMeetingBody, ConfirmMeetingMinutesBody, CreateMeetingBody, DecideMeetingLeaveBody, GenerateMeetingPlanBody, ListMeetingsQuery,
  MarkAttendanceBody, MeetingCompliance, MeetingDetail, MeetingKeywords, MeetingListItem, MeetingPage, MeetingPlanResult, MyMeetings, RecordReviewsBody, RequestMeetingLeaveBody,
  ReviewList, SaveMeetingMinutesBody, SaveTranscriptBody, SignInCode, SignInResult, TranscriptView, UpdateMeetingBody,
} from '../../../contracts/meeting';
import type { z } from 'zod';
import type { Created as CreatedSchema, Ok as OkSchema } from '../../../contracts/common';
import { api } from '../../shared/api';

// The 三会一课 API (src/server/domains/meeting/meeting.routes.ts) as TanStack
// Query hooks. Every change refreshes everything under ['meetings'] (the
// meeting, the lists, compliance, my meetings).

export type { MeetingCompliance, MeetingDetail, MeetingKeywords, MeetingListItem, MyMeetings, SignInCode, TranscriptView };
export type MeetingFilters = Partial<Omit<ListMeetingsQuery, 'page' | 'pageSize'>> & { page: number; pageSize: number };

const BASE = '/api/v1/meetings';

export function useMeetings(f: MeetingFilters, enabled = true) {
  return useQuery({ queryKey: ['meetings', 'list', f], queryFn: () => api.get<MeetingPage>(BASE, { ...f }), placeholderData: keepPreviousData, enabled });
}

export function useMeeting(id: string | undefined) {
  return useQuery({ queryKey: ['meetings', 'detail', id], queryFn: () => api.get<MeetingDetail>(`${BASE}/${id}`), enabled: !!id });
}

export function useCompliance(orgId: string | undefined, period: string | undefined) {
  return useQuery({ queryKey: ['meetings', 'compliance', orgId, period], queryFn: () => api.get<MeetingCompliance>(`${BASE}/compliance`, { orgId, period }), placeholderData: keepPreviousData });
}

export function useMyMeetings() {
  return useQuery({ queryKey: ['meetings', 'mine'], queryFn: () => api.get<MyMeetings>('/api/v1/me/meetings') });
}

/** The host's QR code: refreshed before each token runs out (the server rotates it every slot). */
export function useSignInCode(id: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['meetings', 'sign-in-code', id],
    queryFn: () => api.get<SignInCode>(`${BASE}/${id}/sign-in-code`),
    enabled: !!id && enabled,
    refetchInterval: (q) => (q.state.data ? q.state.data.refreshSeconds * 1000 : false),
    retry: false,
  });
}

export function useTranscript(id: string | undefined) {
  return useQuery({
    queryKey: ['meetings', 'transcript', id],
    queryFn: () => api.get<TranscriptView>(`${BASE}/${id}/transcript`),
    enabled: !!id,
    // a transcription job reports progress: poll while it runs
    refetchInterval: (q) => (q.state.data?.transcript && ['queued', 'running'].includes(q.state.data.transcript.status) ? 2000 : false),
  });
}

export function useKeywords(id: string | undefined, enabled = true) {
  return useQuery({ queryKey: ['meetings', 'keywords', id], queryFn: () => api.get<MeetingKeywords>(`${BASE}/${id}/keywords`), enabled: !!id && enabled });
}

export function useReviews(id: string | undefined, enabled: boolean) {
  return useQuery({ queryKey: ['meetings', 'reviews', id], queryFn: () => api.get<ReviewList>(`${BASE}/${id}/reviews`), enabled: !!id && enabled });
}

export function useCalendarFeed() {
  return useQuery({ queryKey: ['meetings', 'calendar-feed'], queryFn: () => api.get<CalendarFeed>('/api/v1/me/calendar-feed') });
}

function useMeetingMutation<V, R = unknown>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: ['meetings'] }) });
}

export const useCreateMeeting = () => useMeetingMutation((body: CreateMeetingBody) => api.post<z.infer<typeof CreatedSchema>>(BASE, body));
export const useUpdateMeeting = (id: string) => useMeetingMutation((body: UpdateMeetingBody) => api.patch<z.infer<typeof OkSchema>>(`${BASE}/${id}`, body));
export const useCancelMeeting = (id: string) => useMeetingMutation((body: CancelMeetingBody) => api.post<z.infer<typeof OkSchema>>(`${BASE}/${id}/cancel`, body));
export const useSendNotice = (id: string) => useMeetingMutation((version: number) => api.post<z.infer<typeof OkSchema>>(`${BASE}/${id}/notice`, { version }));
export const useGeneratePlan = () => useMeetingMutation((body: GenerateMeetingPlanBody) => api.post<MeetingPlanResult>(`${BASE}/plan`, body));
export const useSignIn = (id: string) => useMeetingMutation((token: string) => api.post<SignInResult>(`${BASE}/${id}/sign-in`, { token }));
export const useRequestLeave = (id: string) => useMeetingMutation((body: RequestMeetingLeaveBody) => api.post<z.infer<typeof OkSchema>>(`${BASE}/${id}/leave`, body));
export const useDecideLeave = (id: string) => useMeetingMutation((body: DecideMeetingLeaveBody) => api.post<z.infer<typeof OkSchema>>(`${BASE}/${id}/leave/decide`, body));
export const useMarkAttendance = (id: string) => useMeetingMutation((body: MarkAttendanceBody) => api.post<z.infer<typeof OkSchema>>(`${BASE}/${id}/attendance`, body));
export const useSaveMinutes = (id: string) => useMeetingMutation((body: SaveMeetingMinutesBody) => api.put<z.infer<typeof OkSchema>>(`${BASE}/${id}/minutes`, body));
export const useConfirmMinutes = (id: string) => useMeetingMutation((body: ConfirmMeetingMinutesBody) => api.post<z.infer<typeof OkSchema>>(`${BASE}/${id}/minutes/confirm`, body));
export const useAddCorrection = (id: string) => useMeetingMutation((body: AddCorrectionBody) => api.post<z.infer<typeof OkSchema>>(`${BASE}/${id}/corrections`, body));
export const useRecordReviews = (id: string) => useMeetingMutation((body: RecordReviewsBody) => api.put<z.infer<typeof OkSchema>>(`${BASE}/${id}/reviews`, body));
export const useSaveTranscript = (id: string) => useMeetingMutation((body: SaveTranscriptBody) => api.put<z.infer<typeof OkSchema>>(`${BASE}/${id}/transcript`, body));
/** A photo or document attached to the meeting (multipart, field "file"). */
export const useUploadMeetingFile = (id: string) => useMeetingMutation((v: { file: File; kind: 'photo' | 'document' }) => api.upload<z.infer<typeof CreatedSchema>>(`${BASE}/${id}/files`, v.file, v.file.name, { kind: v.kind }));
/** A recording (or one made in the browser) to transcribe: answers with the transcript's id; the job runs in the background. */
export const useUploadAudio = (id: string) => useMeetingMutation((v: { file: Blob; fileName: string }) => api.upload<z.infer<typeof CreatedSchema>>(`${BASE}/${id}/audio`, v.file, v.fileName));
export const useCreateCalendarFeed = () => useMeetingMutation(() => api.post<CalendarFeed>('/api/v1/me/calendar-feed', {}));
export const useRevokeCalendarFeed = () => useMeetingMutation(() => api.del<z.infer<typeof OkSchema>>('/api/v1/me/calendar-feed'));

export const meetingFileUrl = (id: string, fileId: string) => `${BASE}/${id}/files/${fileId}`;
export const reportUrl = (id: string) => `${BASE}/${id}/report.docx`;

const RANGE_PAGES = 5;
/**
 * Every meeting of a date range (the calendar views), up to 500: the first
 * page of 100 tells the total, the rest are fetched alongside. `capped` says
 * that more exist than are shown.
 */
export function useMeetingsInRange(f: Omit<MeetingFilters, 'page' | 'pageSize'>, enabled: boolean) {
  const first = useMeetings({ ...f, page: 1, pageSize: 100 }, enabled);
  const pages = Math.min(RANGE_PAGES, Math.ceil((first.data?.total ?? 0) / 100));
  const rest = useQueries({
    queries: Array.from({ length: Math.max(0, pages - 1) }, (_, i) => {
      const q = { ...f, page: i + 2, pageSize: 100 };
      return { queryKey: ['meetings', 'list', q], queryFn: () => api.get<MeetingPage>(BASE, { ...q }), enabled };
    }),
  });
  const items = [...(first.data?.items ?? []), ...rest.flatMap((r) => r.data?.items ?? [])];
  return {
    items,
    total: first.data?.total ?? 0,
    capped: (first.data?.total ?? 0) > RANGE_PAGES * 100,
    isPending: first.isPending,
    isFetching: first.isFetching || rest.some((r) => r.isFetching),
    isError: first.isError || rest.some((r) => r.isError),
    error: first.error ?? rest.find((r) => r.error)?.error,
    refetch: () => void Promise.all([first.refetch(), ...rest.map((r) => r.refetch())]),
  };
}
