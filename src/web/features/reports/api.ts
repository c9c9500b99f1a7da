import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReportDeliveries, ReportDelivery, ReportFormat, ReportResult, ReportSpec, ReportSubjects, SavedReport, SavedReports, ScheduleReportBody } from '../../../contracts/reports';
import { api } from '../../shared/api';

// 自定义报表: subjects, running, saving, exporting and scheduling reports, and the files delivered.

export function useReportSubjects() {
  return useQuery({ queryKey: ['reports', 'subjects'], queryFn: () => api.get<ReportSubjects>('/api/v1/reports/subjects') });
}

export function useSavedReports() {
  return useQuery({ queryKey: ['reports', 'saved'], queryFn: () => api.get<SavedReports>('/api/v1/reports') });
}

export function useDeliveries() {
  return useQuery({ queryKey: ['reports', 'deliveries'], queryFn: () => api.get<ReportDeliveries>('/api/v1/reports/deliveries') });
}

export function useRunReport() {
  return useMutation({ mutationFn: (spec: ReportSpec) => api.post<ReportResult>('/api/v1/reports/run', spec) });
}

export function useSaveReport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; shared: boolean; spec: ReportSpec }) => api.post<SavedReport>('/api/v1/reports', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['reports', 'saved'] }),
  });
}

export function useScheduleReport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: ScheduleReportBody & { id: string }) => api.post<SavedReport>(`/api/v1/reports/${id}/schedule`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['reports', 'saved'] }),
  });
}

export const exportReport = (spec: ReportSpec, format: ReportFormat, name?: string) =>
  api.download('/api/v1/reports/export', undefined, `${name ?? '报表'}.${format}`, { spec, format, name });

export const downloadDelivery = (d: ReportDelivery) => api.download(`/api/v1/reports/deliveries/${d.id}/download`, undefined, d.fileName);
