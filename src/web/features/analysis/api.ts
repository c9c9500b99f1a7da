import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { DashboardDrill, DashboardDrillQuery } from '../../../contracts/dashboard';
import type { ProblemAnalysis } from '../../../contracts/warning';
import { api } from '../../shared/api';

// The drill-down (getDashboardDrill) and its Excel export.

export type DrillQuery = DashboardDrillQuery;

export function useDrill(q: DrillQuery) {
  return useQuery({
    queryKey: ['dashboard', 'drill', q],
    queryFn: () => api.get<DashboardDrill>('/api/v1/dashboard/drill', { ...q }),
    placeholderData: keepPreviousData,
  });
}

export const exportDrill = (q: DrillQuery) => api.download('/api/v1/dashboard/drill/export', { ...q }, '党员交叉统计.xlsx');

export function useProblems(orgId: string | undefined) {
  return useQuery({ queryKey: ['analysis', 'problems', orgId], queryFn: () => api.get<ProblemAnalysis>('/api/v1/analysis/problems', { orgId }) });
}

export const downloadBrief = (orgId: string | undefined) => api.download('/api/v1/analysis/problems/brief', { orgId }, '主要问题简报.docx');
