import { z } from 'zod';
import { Text, pageOf } from './common';

// The party-building map (党建云图, issue 15): org points (clustered on the
// server: B10 never ships raw member points, and 150,000 org points only as
// clusters), grids and 党建责任区 as GeoJSON polygons, 两新组织 in the grids,
// density of members by map cell from the member rollups, and the blind spots
// (党建盲区) computed from those facts. Coordinates: WGS84 [lng, lat].

export const MAP_LAYERS = { orgs: '党组织', areas: '网格与责任区', density: '党员密度', units: '两新组织', projects: '重点项目' } as const;
export type MapLayerKind = keyof typeof MAP_LAYERS;
export const MapLayerKindEnum = z.enum(Object.keys(MAP_LAYERS) as [MapLayerKind, ...MapLayerKind[]]);

export const AREA_KINDS = { grid: '网格', zone: '党建责任区' } as const;
export const AreaKind = z.enum(['grid', 'zone']);
export type AreaKind = z.infer<typeof AreaKind>;

export const MAP_UNIT_KINDS = { enterprise: '非公有制企业', social: '社会组织' } as const;
export const UnitKindEnum = z.enum(['enterprise', 'social']);

const Lng = z.number({ message: '经度应为数字' }).min(-180, { message: '经度应在 -180 至 180 之间' }).max(180, { message: '经度应在 -180 至 180 之间' });
const Lat = z.number({ message: '纬度应为数字' }).min(-90, { message: '纬度应在 -90 至 90 之间' }).max(90, { message: '纬度应在 -90 至 90 之间' });

/** `w,s,e,n` in degrees. */
export const BBox = Text.regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, { message: '视野范围格式应为 西,南,东,北（经纬度）' })
  .transform((s) => s.split(',').map(Number) as [number, number, number, number])
  .refine(([w, s, e, n]) => w >= -180 && e <= 180 && s >= -90 && n <= 90 && w < e && s < n, { message: '视野范围不正确（西 < 东，南 < 北）' });

export const GetMapLayerQuery = z.object({
  /** the subtree shown (default: the top of the viewer's scope) */
  orgId: z.uuid({ message: '组织编号格式不正确' }).optional(),
  layer: MapLayerKindEnum,
  /** the viewport; without it, the whole subtree */
  bbox: BBox.optional(),
  /** the map's zoom level: the cluster cell is about 60 px at this zoom */
  zoom: z.coerce.number().int().min(0).max(20).default(10),
  /** areas: only grids or only zones */
  kind: AreaKind.optional(),
});
export type GetMapLayerQuery = z.infer<typeof GetMapLayerQuery>;

export const MapPoint = z.object({
  id: z.uuid(),
  name: Text,
  lng: z.number(),
  lat: z.number(),
  /** orgs: the org type; units: the unit kind; projects: the project type */
  type: Text,
  /** orgs: members on the roll in the subtree (rollup) */
  members: z.number().int().nullable(),
  /** orgs: the latest index band; projects: the warning level */
  band: Text.nullable(),
  /** units: the unit has no party organisation (a blind spot) */
  blind: z.boolean(),
});
export type MapPoint = z.infer<typeof MapPoint>;

export const MapCluster = z.object({ lng: z.number(), lat: z.number(), count: z.number().int(), members: z.number().int() });
export type MapCluster = z.infer<typeof MapCluster>;

export const MapAreaFeature = z.object({
  id: z.uuid(),
  kind: AreaKind,
  name: Text,
  code: Text.nullable(),
  orgId: z.uuid(),
  responsibleOrgId: z.uuid().nullable(),
  responsibleOrgName: Text.nullable(),
  residents: z.number().int().nullable(),
  households: z.number().int().nullable(),
  note: Text.nullable(),
  geometry: z.unknown(),
  centerLng: z.number(),
  centerLat: z.number(),
  /** grids: no responsible org and not inside a zone (a blind spot) */
  blind: z.boolean(),
  version: z.number().int(),
});
export type MapAreaFeature = z.infer<typeof MapAreaFeature>;

export const MapLayer = z.object({
  layer: MapLayerKindEnum,
  orgId: z.uuid(),
  zoom: z.number().int(),
  /** orgs and density: the cell size in degrees the clusters were built on */
  cell: z.number().nullable(),
  points: z.array(MapPoint),
  clusters: z.array(MapCluster),
  areas: z.array(MapAreaFeature),
  /** the points in the view exceeded the limit and are shown as clusters */
  clustered: z.boolean(),
  total: z.number().int(),
});
export type MapLayer = z.infer<typeof MapLayer>;

export const MapConfig = z.object({
  /** the tile URL template ({z}/{x}/{y}); null: vector layers on a plain background */
  tileUrl: Text.nullable(),
  /** the tiles' coordinate system: GCJ-02 tiles get the points and polygons shifted in the browser */
  tileCrs: z.enum(['wgs84', 'gcj02']),
  attribution: Text.nullable(),
  /** where the map opens: the top org in scope with coordinates, or the centre of its orgs */
  center: z.object({ lng: z.number(), lat: z.number() }).nullable(),
  orgId: z.uuid().nullable(),
});
export type MapConfig = z.infer<typeof MapConfig>;

const Position = z.tuple([Lng, Lat]);
const Ring = z.array(Position).min(4, { message: '多边形每个环至少 4 个点（首尾相同）' }).max(5000, { message: '多边形的点过多（每环最多 5000 个）' });
export const PolygonGeometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1).max(50) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1).max(50)).min(1).max(50) }),
], { message: '范围应为 GeoJSON 的 Polygon 或 MultiPolygon' });
export type PolygonGeometry = z.infer<typeof PolygonGeometry>;

export const SaveAreaBody = z.object({
  kind: AreaKind,
  /** the committee that keeps the area */
  orgId: z.uuid({ message: '请选择所属党组织' }),
  responsibleOrgId: z.uuid({ message: '负责党组织编号格式不正确' }).nullable().optional(),
  name: Text.trim().min(1, { message: '请填写名称' }).max(100, { message: '名称最多100个字' }),
  code: Text.trim().max(50, { message: '编码最多50个字符' }).nullable().optional(),
  residents: z.number().int({ message: '人口应为整数' }).min(0, { message: '人口不能为负数' }).max(10_000_000).nullable().optional(),
  households: z.number().int({ message: '户数应为整数' }).min(0, { message: '户数不能为负数' }).max(10_000_000).nullable().optional(),
  note: Text.trim().max(500, { message: '备注最多500个字' }).nullable().optional(),
  geometry: PolygonGeometry,
  /** updates: the version read (optimistic concurrency) */
  version: z.number().int().optional(),
});
export type SaveAreaBody = z.infer<typeof SaveAreaBody>;

export const DeleteAreaResult = z.object({ ok: z.literal(true) });

export const ImportAreasQuery = z.object({
  kind: AreaKind,
  orgId: z.uuid({ message: '请选择所属党组织' }),
});
export const ImportAreasResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  /** per feature: what was refused and why */
  errors: z.array(z.object({ feature: z.number().int(), message: Text })),
});
export type ImportAreasResult = z.infer<typeof ImportAreasResult>;

export const ImportUnitsQuery = z.object({ orgId: z.uuid({ message: '请选择所属党组织' }) });
export const ImportUnitsResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  errors: z.array(z.object({ row: z.number().int(), message: Text })),
});
export type ImportUnitsResult = z.infer<typeof ImportUnitsResult>;

export const BLIND_SPOT_KINDS = {
  grid_uncovered: '网格无负责党组织',
  unit_without_org: '两新组织未建党组织',
} as const;
export type BlindSpotKind = keyof typeof BLIND_SPOT_KINDS;

export const ListBlindSpotsQuery = z.object({
  orgId: z.uuid({ message: '组织编号格式不正确' }).optional(),
  kind: z.enum(['grid_uncovered', 'unit_without_org']).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100, { message: '每页最多100条' }).default(20),
});
export type ListBlindSpotsQuery = z.infer<typeof ListBlindSpotsQuery>;

export const BlindSpot = z.object({
  kind: z.enum(['grid_uncovered', 'unit_without_org']),
  kindLabel: Text,
  /** the grid or the unit */
  id: z.uuid(),
  name: Text,
  /** the committee that keeps the grid or registered the unit */
  orgId: z.uuid(),
  orgName: Text,
  gridName: Text.nullable(),
  /** the facts behind it, in words */
  facts: z.array(Text),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  /** the nearest party organisation in scope with coordinates, and how far (km) */
  nearestOrgName: Text.nullable(),
  nearestKm: z.number().nullable(),
});
export type BlindSpot = z.infer<typeof BlindSpot>;
export const BlindSpotPage = pageOf(BlindSpot).extend({ counts: z.object({ grid_uncovered: z.number().int(), unit_without_org: z.number().int() }) });
export type BlindSpotPage = z.infer<typeof BlindSpotPage>;

export const MapOrgCard = z.object({
  id: z.uuid(),
  name: Text,
  type: Text,
  address: Text.nullable(),
  secretaryName: Text.nullable(),
  /** masked as everywhere (138****0001) */
  secretaryPhone: Text.nullable(),
  members: z.number().int(),
  band: Text.nullable(),
  period: Text.nullable(),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  /** for moving its point (updateOrg with lng, lat and this version) */
  version: z.number().int(),
  /** the grids and zones it is responsible for */
  areas: z.array(z.object({ id: z.uuid(), kind: AreaKind, name: Text })),
});
export type MapOrgCard = z.infer<typeof MapOrgCard>;

export const MapSearchQuery = z.object({
  orgId: z.uuid().optional(),
  q: Text.pipe(z.string().trim().min(1, { message: '请输入要搜索的名称' }).max(50)),
});
export const MapSearchResult = z.object({
  items: z.array(z.object({ kind: z.enum(['org', 'grid', 'zone', 'unit']), id: z.uuid(), name: Text, lng: z.number().nullable(), lat: z.number().nullable() })),
});
export type MapSearchResult = z.infer<typeof MapSearchResult>;
