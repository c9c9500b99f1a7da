import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ApprovePointRulesBody, AwardPointsBody, AwardPointsResult, DecidePointAwardBody, ListPointEntriesQuery, MyPoints, PointAwardDecision, PointAwardRequestList, PointBalance,
  PointRuleProposalView, PointRulesOfOrg, PointTxnPage, PointTxnResult, ProposePointRulesBody, ReversePointBody,
} from '../../../contracts/points';
import type { Created } from '../../../contracts/common';
import type { BranchIndex, MyBranchIndex, OrgPortrait, RecomputeIndexResult } from '../../../contracts/branch-index';
import type { AgreeAssessmentBody, AssessmentSchemeView, BranchAssessment, PublishAssessmentBody, ScoreAssessmentBody } from '../../../contracts/assessment';
import type { z } from 'zod';
import { api } from '../../shared/api';

// The points API (src/server/domains/points/points.routes.ts) as TanStack Query
// hooks. Every change refreshes everything under ['points'].

export type { MyPoints, PointBalance, PointRuleProposalView, PointRulesOfOrg, PointTxnPage };
export type EntryFilters = Partial<Omit<ListPointEntriesQuery, 'page' | 'pageSize'>> & { page: number; pageSize: number };

export function usePointEntries(f: EntryFilters, enabled = true) {
  return useQuery({ queryKey: ['points', 'entries', f], queryFn: () => api.get<PointTxnPage>('/api/v1/points/entries', { ...f }), placeholderData: keepPreviousData, enabled });
}
export function usePointBalance(personId: string | undefined) {
  return useQuery({ queryKey: ['points', 'balance', personId], queryFn: () => api.get<PointBalance>(`/api/v1/points/balance/${personId}`), enabled: !!personId });
}
export function useMyPoints(page: number) {
  return useQuery({ queryKey: ['points', 'mine', page], queryFn: () => api.get<MyPoints>('/api/v1/me/points', { page, pageSize: 20 }), placeholderData: keepPreviousData });
}
export function usePointRules(orgId: string | undefined) {
  return useQuery({ queryKey: ['points', 'rules', orgId], queryFn: () => api.get<PointRulesOfOrg>('/api/v1/points/rules', { orgId }), enabled: !!orgId });
}
export function usePendingAwards(enabled: boolean) {
  return useQuery({ queryKey: ['points', 'requests'], queryFn: () => api.get<PointAwardRequestList>('/api/v1/points/award-requests'), enabled });
}

function useInvalidating<TVars, TData>(fn: (v: TVars) => Promise<TData>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: ['points'] }) });
}

export const useAwardPoints = () => useInvalidating((b: AwardPointsBody) => api.post<AwardPointsResult>('/api/v1/points/awards', b));
export const useReversePoint = () => useInvalidating((v: { id: number; body: ReversePointBody }) => api.post<PointTxnResult>(`/api/v1/points/entries/${v.id}/reverse`, v.body));
export const useDecideAward = () => useInvalidating((v: { id: string; body: DecidePointAwardBody }) => api.post<PointAwardDecision>(`/api/v1/points/award-requests/${v.id}/decide`, v.body));
export const useProposeRules = () => useInvalidating((b: ProposePointRulesBody) => api.post<z.infer<typeof Created>>('/api/v1/points/rules/proposals', b));
export const useApproveRules = () => useInvalidating((v: { id: string; body: ApprovePointRulesBody }) => api.post<PointRuleProposalView>(`/api/v1/points/rules/proposals/${v.id}/approve`, v.body));

/** A fresh idempotency key per form opening: a double click or a retry after a lost answer replays, never doubles. */
export function newKey(): string {
  return crypto.randomUUID();
}

// -- the branch index (先锋指数)
export type { BranchIndex, OrgPortrait, MyBranchIndex };
type RecomputeResult = z.infer<typeof RecomputeIndexResult>;

export function useBranchIndex(orgId: string | undefined, period: string) {
  return useQuery({ queryKey: ['points', 'index', orgId, period], queryFn: () => api.get<BranchIndex>('/api/v1/index/branch', { orgId, period }), placeholderData: keepPreviousData });
}
export function useOrgPortrait(orgId: string | undefined, period: string, enabled: boolean) {
  return useQuery({ queryKey: ['points', 'portrait', orgId, period], queryFn: () => api.get<OrgPortrait>('/api/v1/index/portrait', { orgId, period }), enabled });
}
export function useMyBranchIndex() {
  return useQuery({ queryKey: ['points', 'my-index'], queryFn: () => api.get<MyBranchIndex>('/api/v1/me/branch-index') });
}
export const useRecomputeIndex = () => useInvalidating((b: { orgId: string; period: string }) => api.post<RecomputeResult>('/api/v1/index/recompute', b));

// -- the superior's assessment (上级考核)
export type { AssessmentSchemeView, BranchAssessment };
export function useBranchAssessment(orgId: string | undefined, year: number, enabled: boolean) {
  return useQuery({ queryKey: ['points', 'assessment', orgId, year], queryFn: () => api.get<BranchAssessment>('/api/v1/points/assessment', { orgId, year }), enabled: enabled && !!orgId });
}
export function useAssessmentScheme(orgId: string | undefined, year: number, enabled: boolean) {
  return useQuery({ queryKey: ['points', 'assessment-scheme', orgId, year], queryFn: () => api.get<AssessmentSchemeView>('/api/v1/points/assessment/scheme', { orgId, year }), enabled: enabled && !!orgId });
}
export const usePublishAssessment = () => useInvalidating((b: PublishAssessmentBody) => api.post<z.infer<typeof Created>>('/api/v1/points/assessment/scheme', b));
export const useAgreeAssessment = () =>
  useInvalidating((v: { schemeId: string; body: AgreeAssessmentBody }) => api.post<BranchAssessment>(`/api/v1/points/assessment/scheme/${v.schemeId}/agreements`, v.body));
export const useScoreAssessment = () => useInvalidating((b: ScoreAssessmentBody) => api.post<BranchAssessment>('/api/v1/points/assessment/scores', b));
