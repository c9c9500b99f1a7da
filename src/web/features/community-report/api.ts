import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Created } from '../../../contracts/common';
import type {
  AcceptReportBody, BranchCommunityEvaluations, CommunityReportDetail, CommunityReportPage, CommunityReportView, DeclineReportBody, EndReportBody, EvaluateReportBody, ListReportsQuery,
  MyCommunityReport, RecordServiceBody, ReportMyselfBody, ReportStatus,
} from '../../../contracts/community-report';
import { api } from '../../shared/api';

// 双报到 (src/server/domains/community-report/community-report.routes.ts) as
// TanStack Query hooks: the console's list, detail, 接收/退回, 登记服务, 年度评价,
// and the member's own report. Every change refreshes everything under ['community-report'].

export type { BranchCommunityEvaluations, CommunityReportDetail, CommunityReportPage, CommunityReportView, MyCommunityReport, ReportStatus };
export type ReportFilters = Partial<Omit<ListReportsQuery, 'page' | 'pageSize'>> & { page: number; pageSize: number };

const BASE = '/api/v1/community-reports';
const MINE = '/api/v1/me/community-report';

export function useCommunityReports(f: ReportFilters) {
  return useQuery({ queryKey: ['community-report', 'list', f], queryFn: () => api.get<CommunityReportPage>(BASE, { ...f }), placeholderData: keepPreviousData });
}
export function useCommunityReport(id: string | undefined) {
  return useQuery({ queryKey: ['community-report', 'detail', id], queryFn: () => api.get<CommunityReportDetail>(`${BASE}/${id}`), enabled: !!id });
}
export function useMyCommunityReport() {
  return useQuery({ queryKey: ['community-report', 'mine'], queryFn: () => api.get<MyCommunityReport>(MINE) });
}

function useReportMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: ['community-report'] }) });
}

export const useReportMyself = () => useReportMutation((b: ReportMyselfBody) => api.post<z.infer<typeof Created>>(MINE, b));
export const useAcceptReport = () => useReportMutation((v: { id: string; body: AcceptReportBody }) => api.post<CommunityReportDetail>(`${BASE}/${v.id}/accept`, v.body));
export const useDeclineReport = () => useReportMutation((v: { id: string; body: DeclineReportBody }) => api.post<CommunityReportDetail>(`${BASE}/${v.id}/decline`, v.body));
export const useEndReport = () => useReportMutation((v: { id: string; body: EndReportBody }) => api.post<CommunityReportDetail>(`${BASE}/${v.id}/end`, v.body));
export function useBranchEvaluations(orgId: string | undefined, year: number) {
  return useQuery({
    queryKey: ['community-report', 'evaluations', orgId, year],
    queryFn: () => api.get<BranchCommunityEvaluations>(`${BASE}/evaluations`, { orgId, year }),
    enabled: !!orgId,
  });
}
export const useRecordService = () => useReportMutation((v: { id: string; body: RecordServiceBody }) => api.post<z.infer<typeof Created>>(`${BASE}/${v.id}/services`, v.body));
export const useEvaluateReport = () => useReportMutation((v: { id: string; body: EvaluateReportBody }) => api.post<z.infer<typeof Created>>(`${BASE}/${v.id}/evaluations`, v.body));

/** The tag colour of each status. */
export const REPORT_STATUS_COLORS: Record<ReportStatus, string> = { pending: 'processing', accepted: 'success', declined: 'error', ended: 'default' };
