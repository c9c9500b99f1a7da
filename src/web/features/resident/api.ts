import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  CommunityList, CommunityOption, ListResidentsQuery, RegisterResidentBody, RegisterResidentResult, ResidentCodeAnswer, ResidentPage, ResidentProfile, ResidentView, UpdateResidentBody,
} from '../../../contracts/resident';
import { api } from '../../shared/api';
import { ME_KEY } from '../../shared/session';

// Residents (群众) as TanStack Query hooks (src/server/domains/resident/resident.routes.ts):
// the public registration (communities, code, register), the resident's own
// profile, and the console's list of registrants.

export type { CommunityOption, ResidentPage, ResidentProfile, ResidentView };
export type ResidentFilters = Partial<Omit<ListResidentsQuery, 'page' | 'pageSize'>> & { page: number; pageSize: number };

const MY_KEY = ['resident', 'me'] as const;

/** Public: the communities (村、社区) whose name or unit name holds the text; the first 20 without one. */
export function useCommunities(q: string) {
  return useQuery({
    queryKey: ['resident', 'communities', q],
    queryFn: () => api.get<CommunityList>('/api/v1/public/communities', { q: q || undefined }),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/**
 * One community with its grids, found by its name (what the public search
 * takes) and picked out by id: the community a profile already names.
 */
export function useCommunityOf(id: string | undefined, name: string | undefined) {
  return useQuery({
    queryKey: ['resident', 'community', id],
    queryFn: async () => {
      const list = await api.get<CommunityList>('/api/v1/public/communities', { q: name?.slice(0, 30) });
      return list.items.find((c) => c.id === id) ?? null;
    },
    enabled: !!id && !!name,
    staleTime: 60_000,
  });
}

export const requestResidentCode = (phone: string) => api.post<ResidentCodeAnswer>('/api/v1/public/residents/code', { phone });
export const registerResident = (body: RegisterResidentBody) => api.post<RegisterResidentResult>('/api/v1/public/residents', body);

/** The signed-in resident's own profile. */
export function useMyResident() {
  return useQuery({ queryKey: MY_KEY, queryFn: () => api.get<ResidentProfile>('/api/v1/me/resident') });
}

/** Saves the profile at the version shown; the answer is the profile as saved (the new version). */
export function useUpdateMyResident() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateResidentBody) => api.put<ResidentProfile>('/api/v1/me/resident', body),
    onSuccess: async (saved) => {
      qc.setQueryData(MY_KEY, saved);
      // the name shown for the account and the community of its grant follow the profile
      await qc.invalidateQueries({ queryKey: ME_KEY });
    },
  });
}

/** The residents registered in the communities of the caller's scope (or of one org). */
export function useResidents(f: ResidentFilters) {
  return useQuery({ queryKey: ['resident', 'list', f], queryFn: () => api.get<ResidentPage>('/api/v1/residents', { ...f }), placeholderData: keepPreviousData });
}
