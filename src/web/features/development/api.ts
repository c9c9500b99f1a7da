import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  CandidateDetail, CandidateListItem, CandidatePage, CreateDevelopmentCandidateBody, DeadlinePage, DeadlineView, DevelopmentOverview, DOCUMENT_KIND_LABELS, PlanView,
  PutPlanBody, RecordDevelopmentStepBody, RecordDevelopmentVoteBody, StepPlanView, StepView, VoteResultView, VoteView, VotingMembersView,
} from '../../../contracts/development';
import type { Created, Ok } from '../../../contracts/common';
import type { FileView } from '../../../contracts/admin';
import { api } from '../../shared/api';

// The 发展党员 API (src/server/domains/development/development.routes.ts) as
// TanStack Query hooks. Every mutation refreshes everything under
// ['development']: a step changes the file, the lists, the board and the plan.

export type { CandidateDetail, CandidateListItem, DeadlineView, StepPlanView, StepView, VoteView };
export type CandidatePageView = z.infer<typeof CandidatePage>;
export type DeadlinePageView = z.infer<typeof DeadlinePage>;
export type OverviewView = z.infer<typeof DevelopmentOverview>;
export type PlanTable = z.infer<typeof PlanView>;
export type VoteResult = z.infer<typeof VoteResultView>;
export type DocumentKind = keyof typeof DOCUMENT_KIND_LABELS;
export type StepInput = z.input<typeof RecordDevelopmentStepBody>;
export type VoteInput = z.input<typeof RecordDevelopmentVoteBody>;
export type StoredFile = z.infer<typeof FileView>;

const BASE = '/api/v1/development';

export interface CandidateFilters {
  orgId?: string;
  stage?: number;
  state: 'open' | 'closed' | 'all';
  q?: string;
  sort: 'stage' | 'name' | 'appliedOn' | 'nextDue';
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

export function useOverview(orgId: string | undefined) {
  return useQuery({ queryKey: ['development', 'overview', orgId ?? 'scope'], queryFn: () => api.get<OverviewView>(`${BASE}/overview`, { orgId }) });
}

export function useDeadlines(f: { orgId?: string; before?: string; overdueOnly?: boolean; limit?: number }) {
  return useQuery({
    queryKey: ['development', 'deadlines', f],
    queryFn: () => api.get<DeadlinePageView>(`${BASE}/deadlines`, { orgId: f.orgId, before: f.before, overdueOnly: f.overdueOnly ? 'true' : undefined, limit: f.limit }),
  });
}

export function useCandidates(f: CandidateFilters, enabled = true) {
  return useQuery({
    queryKey: ['development', 'candidates', f],
    queryFn: () => api.get<CandidatePageView>(`${BASE}/candidates`, { ...f }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCandidate(id: string | undefined) {
  return useQuery({ queryKey: ['development', 'candidate', id], queryFn: () => api.get<CandidateDetail>(`${BASE}/candidates/${id}`), enabled: !!id });
}

/** The registry's count of voting members of the file's branch on a date (应到). */
export function useVotingMembers(id: string, date: string | null) {
  return useQuery({
    queryKey: ['development', 'voting-members', id, date],
    queryFn: () => api.get<z.infer<typeof VotingMembersView>>(`${BASE}/candidates/${id}/voting-members`, { date }),
    enabled: !!date,
  });
}

export function usePlan(orgId: string | undefined, year: number) {
  return useQuery({ queryKey: ['development', 'plan', orgId ?? 'scope', year], queryFn: () => api.get<PlanTable>(`${BASE}/plans`, { orgId, year }) });
}

/** Full members of a branch for 培养联系人 / 入党介绍人, found by name, initials or phone tail. */
function useDevelopmentMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    // a recorded step or vote may add to or take from 待我审批
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: ['development'] }), qc.invalidateQueries({ queryKey: ['approvals'] })]),
  });
}

export const useCreateCandidate = () => useDevelopmentMutation((b: z.input<typeof CreateDevelopmentCandidateBody>) => api.post<z.infer<typeof Created>>(`${BASE}/candidates`, b));
export const useRecordStep = () => useDevelopmentMutation(({ id, body }: { id: string; body: StepInput }) => api.post<z.infer<typeof Ok>>(`${BASE}/candidates/${id}/steps`, body));
export const useRecordVote = () => useDevelopmentMutation(({ id, body }: { id: string; body: VoteInput }) => api.post<VoteResult>(`${BASE}/candidates/${id}/votes`, body));
export const usePutPlan = () => useDevelopmentMutation((b: z.input<typeof PutPlanBody>) => api.put<z.infer<typeof Ok>>(`${BASE}/plans`, b));
export const useUploadReport = () =>
  useDevelopmentMutation(({ id, title, file }: { id: string; title: string; file: File }) => api.upload<z.infer<typeof Created>>(`${BASE}/candidates/${id}/reports`, file, file.name, undefined, { title }));

/** An attachment of a step: stored on the candidate's person record, then passed as attachmentIds. */

export const downloadStoredFile = (fileId: string, fileName: string) => api.download(`/api/v1/files/${fileId}`, undefined, fileName);

export const downloadDocument = (id: string, kind: DocumentKind, fallbackName: string) => api.download(`${BASE}/candidates/${id}/documents/${kind}`, undefined, fallbackName);
