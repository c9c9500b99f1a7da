import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CreateOrgBody, ElectCommitteeBody, OrgDetail, OrgSummary, UpdateOrgBody } from '../../../contracts/org';
import type { OrgType } from '../../../contracts/dict';
import { api } from '../../shared/api';

export type { OrgDetail, OrgSummary };
export type ElectCommitteeInput = z.input<typeof ElectCommitteeBody>;

export const childrenQuery = (parentId: string | null, includeDissolved = false) =>
  queryOptions({
    queryKey: ['orgs', 'children', parentId ?? 'roots', includeDissolved],
    queryFn: () => api.get<{ items: OrgSummary[] }>('/api/v1/orgs/children', { parentId, includeDissolved: String(includeDissolved) }).then((r) => r.items),
  });

export const orgQuery = (id: string) => queryOptions({ queryKey: ['orgs', 'detail', id], queryFn: () => api.get<OrgDetail>(`/api/v1/orgs/${id}`) });

export function useOrg(id: string | null | undefined) {
  return useQuery({ ...orgQuery(id ?? ''), enabled: !!id });
}

export function useOrgSearch(q: string) {
  const term = q.trim();
  return useQuery({
    queryKey: ['orgs', 'search', term],
    queryFn: () => api.get<{ items: OrgSummary[] }>('/api/v1/orgs/search', { q: term }).then((r) => r.items),
    enabled: term.length > 0,
  });
}

function useOrgMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: ['orgs'] }) });
}

export const useCreateOrg = () => useOrgMutation((b: CreateOrgBody) => api.post<{ id: string }>('/api/v1/orgs', b));
export const useUpdateOrg = () => useOrgMutation(({ id, body }: { id: string; body: UpdateOrgBody }) => api.patch(`/api/v1/orgs/${id}`, body));
export const useMoveOrg = () => useOrgMutation(({ id, newParentId, version }: { id: string; newParentId: string; version: number }) => api.post(`/api/v1/orgs/${id}/move`, { newParentId, version }));
export const useDissolveOrg = () =>
  useOrgMutation(({ id, ...body }: { id: string; dissolvedOn: string; reason: string; version: number }) => api.post(`/api/v1/orgs/${id}/dissolve`, body));
export const useElectCommittee = () => useOrgMutation(({ id, body }: { id: string; body: ElectCommitteeInput }) => api.post(`/api/v1/orgs/${id}/committee`, body));

// Which types may be set up under which (《中国共产党基层组织工作条例》; the server's org.policy
// enforces the same table and rejects anything else).
export const CHILD_TYPES: Record<OrgType, OrgType[]> = {
  committee: ['committee', 'working_committee', 'general_branch', 'branch', 'joint_branch', 'temporary_branch'],
  working_committee: ['committee', 'working_committee', 'general_branch', 'branch', 'joint_branch', 'temporary_branch'],
  general_branch: ['branch', 'joint_branch', 'temporary_branch'],
  branch: ['party_group'],
  joint_branch: ['party_group'],
  temporary_branch: ['party_group'],
  party_group: [],
};
