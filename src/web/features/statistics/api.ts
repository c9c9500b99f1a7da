import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { STATISTICS_FORMS, type StatisticsForm, type StatisticsFormKey, type StatisticsReconciliation } from '../../../contracts/statistics';
import { api } from '../../shared/api';

// The annual statistics forms (getStatisticsForm) and their Excel export.

export interface FormQuery {
  orgId?: string;
  year?: number;
}

export function useStatisticsForm(form: StatisticsFormKey, q: FormQuery) {
  return useQuery({
    queryKey: ['statistics', 'form', form, q],
    queryFn: () => api.get<StatisticsForm>(`/api/v1/statistics/forms/${form}`, { ...q }),
    placeholderData: keepPreviousData,
  });
}

export const exportStatisticsForm = (form: StatisticsFormKey, q: FormQuery) => api.download(`/api/v1/statistics/forms/${form}/export`, { ...q }, `${STATISTICS_FORMS[form]}.xlsx`);

/** The year's closing and the reconciliation with the subordinate units (getStatisticsReconciliation). */
export function useReconciliation(q: FormQuery) {
  return useQuery({
    queryKey: ['statistics', 'reconciliation', q],
    queryFn: () => api.get<StatisticsReconciliation>('/api/v1/statistics/reconciliation', { ...q }),
    placeholderData: keepPreviousData,
  });
}

/** Closes a year for an org (closeStatisticsYear): every form of it is frozen from then on. */
export function useCloseYear() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { orgId: string; year: number }) => api.post<StatisticsReconciliation>('/api/v1/statistics/closings', body),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['statistics'] }),
  });
}
