import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { JOB_KINDS, type JobPage as JobPageSchema, type JobView } from '../../../contracts/admin';
import { api } from '../../shared/api';

export type Job = z.infer<typeof JobView>;
export type JobPage = z.infer<typeof JobPageSchema>;

export { JOB_KINDS };
export const JOB_STATUSES: Record<Job['status'], { text: string; color: string }> = {
  queued: { text: '排队中', color: 'default' },
  running: { text: '进行中', color: 'processing' },
  succeeded: { text: '已完成', color: 'success' },
  failed: { text: '失败', color: 'error' },
  cancelled: { text: '已取消', color: 'default' },
};

export const isActive = (j: Job | undefined) => !!j && (j.status === 'queued' || j.status === 'running');

export function useJobs(page: number, pageSize: number) {
  return useQuery({
    queryKey: ['jobs', 'list', page, pageSize],
    queryFn: () => api.get<JobPage>('/api/v1/jobs', { page, pageSize }),
    placeholderData: keepPreviousData,
    // keep polling while any job on the page is still working
    refetchInterval: (q) => (q.state.data?.items.some(isActive) ? 2000 : false),
  });
}

export function useJob(id: string | null | undefined) {
  return useQuery({
    queryKey: ['jobs', 'detail', id],
    queryFn: () => api.get<Job>(`/api/v1/jobs/${id}`),
    enabled: !!id,
    refetchInterval: (q) => (!q.state.data || isActive(q.state.data) ? 1000 : false),
  });
}

/** Share of the work done, 0–100. */
export function percentOf(j: Job): number {
  if (j.status === 'succeeded') return 100;
  if (!j.progressTotal) return 0;
  return Math.min(100, Math.floor((j.progress / j.progressTotal) * 100));
}
