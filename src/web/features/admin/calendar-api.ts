import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { PutWorkCalendarYearBody, WorkCalendarYearList, WorkCalendarYearSummary, WorkCalendarYearView } from '../../../contracts/calendar';
import type { Ok } from '../../../contracts/common';
import { api } from '../../shared/api';

export type WorkCalendarYear = z.infer<typeof WorkCalendarYearView>;
export type WorkCalendarSummary = z.infer<typeof WorkCalendarYearSummary>;
export type WorkCalendarDay = WorkCalendarYear['days'][number];

const KEY = 'work-calendar';

export function useWorkCalendarYears() {
  return useQuery({ queryKey: [KEY, 'years'], queryFn: () => api.get<z.infer<typeof WorkCalendarYearList>>('/api/v1/work-calendar') });
}

export function useWorkCalendarYear(year: number) {
  return useQuery({ queryKey: [KEY, 'year', year], queryFn: () => api.get<WorkCalendarYear>(`/api/v1/work-calendar/${year}`) });
}

export function useSaveWorkCalendarYear() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ year, body }: { year: number; body: z.input<typeof PutWorkCalendarYearBody> }) => api.put<WorkCalendarYear>(`/api/v1/work-calendar/${year}`, body),
    // the answer is the saved year: show it at once, then refresh the list of years
    onSuccess: (saved) => {
      qc.setQueryData([KEY, 'year', saved.year], saved);
      return qc.invalidateQueries({ queryKey: [KEY, 'years'] });
    },
  });
}

export function useDeleteWorkCalendarYear() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (year: number) => api.del<z.infer<typeof Ok>>(`/api/v1/work-calendar/${year}`),
    onSuccess: (_ok, year) => {
      qc.setQueryData<WorkCalendarYear>([KEY, 'year', year], { year, configured: false, source: null, updatedAt: null, days: [] });
      return qc.invalidateQueries({ queryKey: [KEY, 'years'] });
    },
  });
}
