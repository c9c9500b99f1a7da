import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { STATISTICS_FORMS, type StatisticsForm, type StatisticsFormKey } from '../../../contracts/statistics';
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
