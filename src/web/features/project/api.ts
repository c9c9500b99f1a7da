import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  AcceptProjectBody, CreateProjectBody, ExportProjectsQuery, ListProjectsQuery, MilestoneView, ProgressView, ProjectDetail, ProjectListItem, ProjectPage, RecordProgressBody, SaveMilestonesBody,
  UpdateProjectBody,
} from '../../../contracts/project';
import type { Created as CreatedSchema, Ok as OkSchema } from '../../../contracts/common';
import type { FileView } from '../../../contracts/admin';
import { api } from '../../shared/api';

// The key projects' API (src/server/domains/project/project.routes.ts) as
// TanStack Query hooks. Every change refreshes everything under ['projects']
// (the project, the lists); the warning centre's counts follow at its next scan.

export type { MilestoneView, ProgressView, ProjectDetail, ProjectListItem, ProjectPage };
export type ProjectFilters = Partial<Omit<ListProjectsQuery, 'page' | 'pageSize'>> & { page: number; pageSize: number };
export type StoredFile = z.infer<typeof FileView>;

const BASE = '/api/v1/projects';

export function useProjects(f: ProjectFilters, enabled = true) {
  return useQuery({ queryKey: ['projects', 'list', f], queryFn: () => api.get<ProjectPage>(BASE, { ...f }), placeholderData: keepPreviousData, enabled });
}

export function useProject(id: string | undefined) {
  return useQuery({ queryKey: ['projects', 'detail', id], queryFn: () => api.get<ProjectDetail>(`${BASE}/${id}`), enabled: !!id });
}

function useProjectMutation<V, R = unknown>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: ['projects'] }) });
}

export const useCreateProject = () => useProjectMutation((body: CreateProjectBody) => api.post<z.infer<typeof CreatedSchema>>(BASE, body));
export const useUpdateProject = (id: string) => useProjectMutation((body: UpdateProjectBody) => api.put<z.infer<typeof OkSchema>>(`${BASE}/${id}`, body));
export const useSaveMilestones = (id: string) => useProjectMutation((body: SaveMilestonesBody) => api.put<z.infer<typeof OkSchema>>(`${BASE}/${id}/milestones`, body));
export const useRecordProgress = (id: string) => useProjectMutation((body: RecordProgressBody) => api.post<z.infer<typeof CreatedSchema>>(`${BASE}/${id}/progress`, body));
export const useAcceptProject = (id: string) => useProjectMutation((body: AcceptProjectBody) => api.post<z.infer<typeof OkSchema>>(`${BASE}/${id}/acceptance`, body));

/** Evidence for a progress report (a photo, a document), stored on the project; its id goes into the report's evidenceIds. */
export function uploadProjectFile(id: string, file: File) {
  return api.upload<StoredFile>(`${BASE}/${id}/files`, file, file.name);
}

export const projectFileUrl = (id: string, fileId: string) => `${BASE}/${id}/files/${fileId}`;

export function downloadProjectFile(id: string, f: { id: string; fileName: string }) {
  return api.download(projectFileUrl(id, f.id), undefined, f.fileName);
}

/** The list and the roadmaps as a workbook, under the list's filters. */
export function exportProjects(f: ExportProjectsQuery) {
  return api.download(`${BASE}/export`, { ...f }, '重点项目清单.xlsx');
}
