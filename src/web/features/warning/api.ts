import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { HandleWarningBody, ListWarningsQuery, WarningItem, WarningPage } from '../../../contracts/warning';
import { api } from '../../shared/api';

// The warning centre's API (src/server/domains/warning/warning.routes.ts) as
// TanStack Query hooks. The menu's badge and the page share the counts.

export type { WarningItem, WarningPage };
export type WarningFilters = Partial<Pick<ListWarningsQuery, 'module' | 'level' | 'q' | 'orgId'>> & Pick<ListWarningsQuery, 'status' | 'page' | 'pageSize'>;

const BASE = '/api/v1/warnings';

export function useWarnings(f: WarningFilters) {
  return useQuery({
    queryKey: ['warnings', 'list', f],
    queryFn: () => api.get<WarningPage>(BASE, { ...f }),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

/** The open warnings in the caller's scope (the menu's badge): one row asked for, the counts read. */
export function useWarningCounts() {
  return useQuery({
    queryKey: ['warnings', 'counts'],
    queryFn: () => api.get<WarningPage>(BASE, { status: 'open', page: 1, pageSize: 1 }),
    staleTime: 15_000,
    refetchInterval: 60_000,
  });
}

export function useHandleWarning() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: HandleWarningBody & { id: string }) => api.post<WarningItem>(`${BASE}/${id}/handle`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['warnings'] }),
  });
}
