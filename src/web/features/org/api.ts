import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { CreateOrgBody, ElectCommitteeBody, OrgDetail, OrgList, OrgSummary, OrgWarningList, UpdateOrgBody } from '../../../contracts/org';
import type { Created, Ok } from '../../../contracts/common';
import { ORG_TYPES, childTypesOf, type OrgType } from '../../../contracts/dict';
import { api } from '../../shared/api';

export type { OrgDetail, OrgSummary };
export type ElectCommitteeInput = z.input<typeof ElectCommitteeBody>;

export const childrenQuery = (parentId: string | null, includeDissolved = false) =>
  queryOptions({
    queryKey: ['orgs', 'children', parentId ?? 'roots', includeDissolved],
    queryFn: () => api.get<OrgList>('/api/v1/orgs/children', { parentId, includeDissolved: String(includeDissolved) }).then((r) => r.items),
  });

export const orgQuery = (id: string) => queryOptions({ queryKey: ['orgs', 'detail', id], queryFn: () => api.get<OrgDetail>(`/api/v1/orgs/${id}`) });

export function useOrg(id: string | null | undefined) {
  return useQuery({ ...orgQuery(id ?? ''), enabled: !!id });
}

export function useOrgSearch(q: string) {
  const term = q.trim();
  return useQuery({
    queryKey: ['orgs', 'search', term],
    queryFn: () => api.get<OrgList>('/api/v1/orgs/search', { q: term }).then((r) => r.items),
    enabled: term.length > 0,
  });
}

function useOrgMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: ['orgs'] }) });
}

export const useCreateOrg = () => useOrgMutation((b: CreateOrgBody) => api.post<z.infer<typeof Created>>('/api/v1/orgs', b));
export const useUpdateOrg = () => useOrgMutation(({ id, body }: { id: string; body: UpdateOrgBody }) => api.patch<z.infer<typeof Ok>>(`/api/v1/orgs/${id}`, body));
export const useMoveOrg = () => useOrgMutation(({ id, newParentId, version }: { id: string; newParentId: string; version: number }) => api.post<z.infer<typeof Ok>>(`/api/v1/orgs/${id}/move`, { newParentId, version }));
export const useDissolveOrg = () =>
  useOrgMutation(({ id, ...body }: { id: string; dissolvedOn: string; reason: string; version: number }) => api.post<z.infer<typeof Ok>>(`/api/v1/orgs/${id}/dissolve`, body));
export const useElectCommittee = () => useOrgMutation(({ id, body }: { id: string; body: ElectCommitteeInput }) => api.post(`/api/v1/orgs/${id}/committee`, body));

// Which types may be set up under which: the same table the server enforces (contracts).
export const CHILD_TYPES = Object.fromEntries((Object.keys(ORG_TYPES) as OrgType[]).map((t) => [t, childTypesOf(t)])) as Record<OrgType, OrgType[]>;

export type OrgWarningItem = OrgWarningList['items'][number];

export function useOrgWarnings(orgId?: string, limit = 100) {
  return useQuery({
    queryKey: ['orgs', 'warnings', orgId ?? 'all', limit],
    queryFn: () => api.get<OrgWarningList>('/api/v1/orgs/warnings', { orgId, limit }),
  });
}
