import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Workbench } from '../../../contracts/workbench';
import { api } from '../../shared/api';

export type { Workbench };

/** The 工作台's sections (getWorkbench): every source the caller may read, scoped on the server; narrowed to an org when one is chosen. */
export function useWorkbench(orgId: string | null) {
  return useQuery({
    queryKey: ['workbench', { orgId }],
    queryFn: () => api.get<Workbench>('/api/v1/workbench', orgId ? { orgId } : undefined),
  });
}

/** Marks notifications read from the 工作台: the header's count and the section both refresh. */
export function useMarkReadFromWorkbench() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => api.post('/api/v1/notifications/read', { ids }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: ['notifications'] }), qc.invalidateQueries({ queryKey: ['workbench'] })]),
  });
}
