import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { SearchResults } from '../../../contracts/search';
import { api } from '../../shared/api';

export type { SearchResults };

/** The header's global search (searchEverything): runs once the text is not empty. */
export function useGlobalSearch(q: string) {
  const term = q.trim();
  return useQuery({
    queryKey: ['search', term],
    queryFn: () => api.get<SearchResults>('/api/v1/search', { q: term, limit: '5' }),
    enabled: term.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}
