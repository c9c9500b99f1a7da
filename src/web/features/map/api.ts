import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AreaKind, BlindSpotPage, ImportAreasResult, ImportUnitsResult, MapAreaFeature, MapConfig, MapLayer, MapLayerKind, MapOrgCard, MapSearchResult, SaveAreaBody,
} from '../../../contracts/map';
import type { z } from 'zod';
import type { Ok } from '../../../contracts/common';
import { api } from '../../shared/api';

// The party-building map's API (src/server/domains/map/map.routes.ts) as
// TanStack Query hooks. Layers are keyed by the view (bbox, zoom) and keep the
// previous answer while the next one loads, so panning never blanks the map.

export type { BlindSpotPage, MapAreaFeature, MapConfig, MapLayer, MapLayerKind, MapOrgCard };
const BASE = '/api/v1/map';

export interface View {
  bbox: string;
  zoom: number;
}

export function useMapConfig() {
  return useQuery({ queryKey: ['map', 'config'], queryFn: () => api.get<MapConfig>(`${BASE}/config`), staleTime: 300_000 });
}

export function useMapLayer(layer: MapLayerKind, orgId: string | undefined, view: View | null, enabled: boolean) {
  return useQuery({
    queryKey: ['map', 'layer', layer, orgId, view],
    queryFn: () => api.get<MapLayer>(`${BASE}/layer`, { layer, orgId, bbox: view!.bbox, zoom: view!.zoom }),
    enabled: enabled && !!view,
    placeholderData: keepPreviousData,
  });
}

export function useOrgCard(id: string | null) {
  return useQuery({ queryKey: ['map', 'org', id], queryFn: () => api.get<MapOrgCard>(`${BASE}/orgs/${id}`), enabled: !!id });
}

export function useBlindSpots(orgId: string | undefined, kind: string | undefined, page: number) {
  return useQuery({
    queryKey: ['map', 'blind', orgId, kind, page],
    queryFn: () => api.get<BlindSpotPage>(`${BASE}/blind-spots`, { orgId, kind, page, pageSize: 10 }),
    placeholderData: keepPreviousData,
  });
}

export function searchMap(orgId: string | undefined, q: string) {
  return api.get<MapSearchResult>(`${BASE}/search`, { orgId, q });
}

export function useSaveArea() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: SaveAreaBody & { id?: string }) => (id ? api.put<MapAreaFeature>(`${BASE}/areas/${id}`, body) : api.post<MapAreaFeature>(`${BASE}/areas`, body)),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['map'] }),
  });
}

export function useDeleteArea() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) => api.del<z.infer<typeof Ok>>(`${BASE}/areas/${id}?version=${version}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['map'] }),
  });
}

export function useMoveOrg() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, lng, lat, version }: { id: string; lng: number; lat: number; version: number }) => api.patch(`/api/v1/orgs/${id}`, { lng, lat, version }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['map'] });
      void qc.invalidateQueries({ queryKey: ['orgs'] });
    },
  });
}

export function importAreas(kind: AreaKind, orgId: string, file: File) {
  return api.upload<ImportAreasResult>(`${BASE}/areas/import`, file, file.name, { kind, orgId });
}

export function importUnits(orgId: string, file: File) {
  return api.upload<ImportUnitsResult>(`${BASE}/units/import`, file, file.name, { orgId });
}

export function downloadUnitTemplate() {
  return api.download(`${BASE}/units/import/template`, undefined, '两新组织导入模板.xlsx');
}
