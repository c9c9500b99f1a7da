import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { auditInTx } from '../../platform/audit';
import { AppError, conflict, notFound } from '../../platform/errors';
import { covers, orgInScope, topOrgInScope } from '../../platform/scope';
import type { Sql } from '../../platform/sql';
import {
  AREA_KINDS, BLIND_SPOT_KINDS, PolygonGeometry, MAP_UNIT_KINDS,
  type BlindSpot, type BlindSpotPage, type GetMapLayerQuery, type ListBlindSpotsQuery, type MapAreaFeature, type MapConfig, type MapLayer, type MapOrgCard, type MapSearchResult, type SaveAreaBody,
} from '../../../contracts/map';
import { projectMarkers } from '../project';
import { boundsOf, cellSizeFor, geometryProblem, gridCovered, labelPointOf, nearest, type ZoneShape } from './map.policy';
import * as repo from './map.repo';

// The party-building map (党建云图): layers of one subtree in the viewer's
// scope (org points, clustered when many; grids and zones; member density by
// cell from the rollups; 两新组织; key projects), the org card, the areas'
// editing, and the blind spots (党建盲区) computed from those facts.

const READ = 'org.read' as const;
const WRITE = 'org.update' as const;
/** Beyond this many org points in the view, the layer is clusters (B10). */
export const POINT_LIMIT = 500;
/** Beyond this many org points in a view the layer aggregates by level of detail (B10). */
export const DETAIL_LIMIT = 5000;
const AREA_LIMIT = 2000;
const UNIT_LIMIT = 2000;

function userError(message: string, field?: string): AppError {
  return new AppError('VALIDATION_FAILED', message, field ? { issues: [{ field, message }] } : undefined);
}

/** The subtree shown: the org asked for (in scope) or the top of the scope. */
async function subtreeOf(deps: Deps, ctx: ActorContext, orgId: string | undefined) {
  const scope = orgInScope(ctx.actor, READ);
  const org = orgId ? await repo.orgForArea(deps.db, orgId, scope) : await topOrgInScope(deps.db, scope);
  if (!org) throw notFound();
  return { org, scope };
}

export async function getMapConfig(deps: Deps, ctx: ActorContext): Promise<MapConfig> {
  const scope = orgInScope(ctx.actor, READ);
  const top = await topOrgInScope(deps.db, scope);
  const centre = top ? await repo.centreOf(deps.db, top.path) : null;
  const m = deps.config.map;
  return {
    tileUrl: m.tileUrl, tileCrs: m.tileCrs, attribution: m.attribution,
    center: centre?.lng != null && centre.lat != null ? { lng: centre.lng, lat: centre.lat } : null,
    orgId: top?.id ?? null,
  };
}

function areaFeature(a: repo.AreaRow, zones: ZoneShape[]): MapAreaFeature {
  return {
    id: a.id, kind: a.kind, name: a.name, code: a.code, orgId: a.org_id, responsibleOrgId: a.responsible_org_id, responsibleOrgName: a.responsible_org_name,
    residents: a.residents, households: a.households, note: a.note, geometry: a.geometry, centerLng: a.center_lng, centerLat: a.center_lat,
    blind: a.kind === 'grid' && !gridCovered({ responsibleOrgId: a.responsible_org_id, centerLng: a.center_lng, centerLat: a.center_lat }, zones),
    version: a.version,
  };
}

async function zonesCovering(deps: Deps, points: Array<{ center_lng: number; center_lat: number }>): Promise<ZoneShape[]> {
  if (!points.length) return [];
  const box = {
    w: Math.min(...points.map((p) => p.center_lng)), e: Math.max(...points.map((p) => p.center_lng)),
    s: Math.min(...points.map((p) => p.center_lat)), n: Math.max(...points.map((p) => p.center_lat)),
  };
  const rows = await repo.zonesAround(deps.db, box);
  return rows.map((z) => ({ geometry: z.geometry as PolygonGeometry, bounds: { minLng: z.min_lng, minLat: z.min_lat, maxLng: z.max_lng, maxLat: z.max_lat } }));
}

/**
 * The level of detail of a view: how many org points it holds (counted up to
 * DETAIL_LIMIT + 1) and, when more than DETAIL_LIMIT, the deepest org level
 * (absolute ltree depth) whose points down to it stay within DETAIL_LIMIT:
 * the layer reads only those, the deepest standing for their subtree. Null
 * when every point is read — also when the subtree's children alone exceed
 * the limit (then no coarser level says anything true).
 */
async function detailOf(deps: Deps, path: string, scope: Sql, view: repo.Viewport | null): Promise<{ points: number; level: number | null }> {
  const points = await repo.countOrgPoints(deps.db, path, scope, view, null, DETAIL_LIMIT + 1);
  if (points <= DETAIL_LIMIT) return { points, level: null };
  const top = path.split('.').length;
  let level: number | null = null;
  for (let l = top + 1; l < top + 32; l++) {
    if ((await repo.countOrgPoints(deps.db, path, scope, view, l, DETAIL_LIMIT + 1)) > DETAIL_LIMIT) break;
    level = l;
  }
  return { points, level };
}

export async function getMapLayer(deps: Deps, ctx: ActorContext, query: GetMapLayerQuery): Promise<MapLayer> {
  const { org, scope } = await subtreeOf(deps, ctx, query.orgId);
  const view = query.bbox ? { w: query.bbox[0], s: query.bbox[1], e: query.bbox[2], n: query.bbox[3] } : null;
  const base: MapLayer = { layer: query.layer, orgId: org.id, zoom: query.zoom, cell: null, points: [], clusters: [], areas: [], clustered: false, total: 0 };
  switch (query.layer) {
    case 'orgs': {
      const detail = await detailOf(deps, org.path, scope, view);
      if (detail.points <= POINT_LIMIT) {
        const rows = await repo.orgPoints(deps.db, org.path, scope, view, POINT_LIMIT);
        return { ...base, total: detail.points, points: rows.map((r) => ({ id: r.id, name: r.name, lng: r.lng, lat: r.lat, type: r.type, members: r.members, band: r.band, blind: false })) };
      }
      const cell = cellSizeFor(query.zoom);
      const clusters = await repo.orgClusters(deps.db, org.path, scope, view, cell, detail.level);
      return { ...base, total: clusters.reduce((s, c) => s + c.count, 0), cell, clustered: true, clusters: clusters.map((c) => ({ lng: c.lng, lat: c.lat, count: c.count, members: 0 })) };
    }
    case 'density': {
      const detail = await detailOf(deps, org.path, scope, view);
      const cell = cellSizeFor(query.zoom);
      const cells = await repo.densityCells(deps.db, org.path, scope, view, cell, detail.level);
      return { ...base, cell, clustered: true, total: cells.reduce((s, c) => s + c.members, 0), clusters: cells.map((c) => ({ lng: c.lng, lat: c.lat, count: c.count, members: c.members })) };
    }
    case 'areas': {
      const rows = await repo.areasIn(deps.db, org.path, scope, view, query.kind ?? null, AREA_LIMIT);
      const zones = await zonesCovering(deps, rows.filter((a) => a.kind === 'grid'));
      return { ...base, total: rows.length, areas: rows.map((a) => areaFeature(a, zones)) };
    }
    case 'units': {
      const rows = await repo.unitsIn(deps.db, org.path, scope, view, UNIT_LIMIT);
      return { ...base, total: rows.length, points: rows.map((u) => ({ id: u.id, name: u.name, lng: u.lng, lat: u.lat, type: u.kind, members: null, band: null, blind: u.party_org_id === null })) };
    }
    case 'projects': {
      const markers = await projectMarkers(deps, ctx, org.path);
      const located = new Map((await repo.orgLocations(deps.db, [...new Set(markers.map((p) => p.orgId))])).map((r) => [r.id, r]));
      const points = markers.flatMap((p) => {
        const at = located.get(p.orgId);
        if (!at || (view && (at.lng < view.w || at.lng > view.e || at.lat < view.s || at.lat > view.n))) return [];
        return [{ id: p.id, name: p.name, lng: at.lng, lat: at.lat, type: p.type, members: null, band: p.level, blind: false }];
      });
      return { ...base, total: points.length, points };
    }
  }
}

export async function getMapOrgCard(deps: Deps, ctx: ActorContext, id: string): Promise<MapOrgCard> {
  const card = await repo.orgCard(deps.db, id, orgInScope(ctx.actor, READ));
  if (!card) throw notFound();
  const areas = await repo.areasAnsweredBy(deps.db, id);
  return {
    id: card.id, name: card.name, type: card.type, address: card.address, secretaryName: card.secretary_name, secretaryPhone: card.secretary_phone,
    members: card.members, band: card.band, period: card.period, lng: card.lng, lat: card.lat, version: card.version, areas,
  };
}

/** The checked values of an area: the keeper may be written by the actor, the responsible org seen by it, the polygon sound. */
async function areaValues(deps: Deps, ctx: ActorContext, body: SaveAreaBody): Promise<repo.AreaValues & { keeperPath: string }> {
  const keeper = await repo.orgForArea(deps.db, body.orgId, orgInScope(ctx.actor, WRITE));
  if (!keeper) throw userError('所属党组织不存在或不在您的管理范围内', 'orgId');
  if (body.responsibleOrgId) {
    const r = await repo.orgForArea(deps.db, body.responsibleOrgId, orgInScope(ctx.actor, READ));
    if (!r) throw userError('负责党组织不存在或不在您的管理范围内', 'responsibleOrgId');
  }
  const problem = geometryProblem(body.geometry);
  if (problem) throw userError(`范围不正确：${problem}`, 'geometry');
  const b = boundsOf(body.geometry);
  const c = labelPointOf(body.geometry);
  return {
    kind: body.kind, orgId: keeper.id, responsibleOrgId: body.responsibleOrgId ?? null, name: body.name, code: body.code || null,
    residents: body.residents ?? null, households: body.households ?? null, note: body.note || null, geometry: body.geometry,
    minLng: b.minLng, minLat: b.minLat, maxLng: b.maxLng, maxLat: b.maxLat, centerLng: c.lng, centerLat: c.lat, keeperPath: keeper.path,
  };
}

function uniqueCode(e: unknown): boolean {
  return (e as { code?: string; constraint?: string }).code === '23505' && (e as { constraint?: string }).constraint === 'map_area_code';
}

export async function saveGrid(deps: Deps, ctx: ActorContext, id: string | null, body: SaveAreaBody): Promise<MapAreaFeature> {
  // An area outside the actor's scope is "not found" before its new values are checked.
  if (id && !(await repo.findArea(deps.db, id, orgInScope(ctx.actor, READ)))) throw notFound();
  const v = await areaValues(deps, ctx, body);
  const savedId = await deps.db.tx(async (t) => {
    let areaId = id;
    try {
      if (id) {
        const before = await repo.findArea(t, id, orgInScope(ctx.actor, READ));
        if (!before) throw notFound();
        if (!covers(ctx.actor, WRITE, { id: before.org_id, path: before.org_path })) throw userError('该区域由其他党组织维护，您不能修改');
        if (body.version === undefined) throw userError('缺少版本号，请刷新后重试', 'version');
        if (!(await repo.updateArea(t, id, body.version, v))) throw conflict();
      } else {
        areaId = await repo.insertArea(t, v, ctx.actor.accountId);
      }
    } catch (e) {
      if (uniqueCode(e)) throw userError(`编码“${v.code}”已被本组织的另一个${AREA_KINDS[v.kind]}使用`, 'code');
      throw e;
    }
    await auditInTx(t, ctx, { action: id ? 'map.area_update' : 'map.area_create', objectType: 'map_area', objectId: areaId!, orgId: v.orgId, detail: { kind: v.kind, name: v.name } });
    return areaId!;
  });
  const saved = await repo.findArea(deps.db, savedId, orgInScope(ctx.actor, READ));
  if (!saved) throw notFound();
  return areaFeature(saved, await zonesCovering(deps, [saved]));
}

export async function deleteGrid(deps: Deps, ctx: ActorContext, id: string, version: number): Promise<{ ok: true }> {
  await deps.db.tx(async (t) => {
    const before = await repo.findArea(t, id, orgInScope(ctx.actor, READ));
    if (!before) throw notFound();
    if (!covers(ctx.actor, WRITE, { id: before.org_id, path: before.org_path })) throw userError('该区域由其他党组织维护，您不能删除');
    if (!(await repo.deleteArea(t, id, version))) throw conflict();
    await auditInTx(t, ctx, { action: 'map.area_delete', objectType: 'map_area', objectId: id, orgId: before.org_id, detail: { kind: before.kind, name: before.name } });
  });
  return { ok: true };
}

export async function listBlindSpots(deps: Deps, ctx: ActorContext, query: ListBlindSpotsQuery): Promise<BlindSpotPage> {
  const { org, scope } = await subtreeOf(deps, ctx, query.orgId);
  const [grids, units, branches] = await Promise.all([repo.gridsOf(deps.db, org.path, scope), repo.unitsWithoutOrg(deps.db, org.path, scope), repo.branchPoints(deps.db, org.path, scope)]);
  const zones = await zonesCovering(deps, grids);
  const near = (lng: number | null, lat: number | null) => (lng == null || lat == null ? null : nearest({ lng, lat }, branches));
  const gridSpots: BlindSpot[] = grids
    .filter((g) => !gridCovered({ responsibleOrgId: g.responsible_org_id, centerLng: g.center_lng, centerLat: g.center_lat }, zones))
    .map((g) => {
      const n = near(g.center_lng, g.center_lat);
      return {
        kind: 'grid_uncovered', kindLabel: BLIND_SPOT_KINDS.grid_uncovered, id: g.id, name: g.name, orgId: g.org_id, orgName: g.org_name, gridName: g.name,
        facts: [
          '未确定负责的党组织，也不在任何党建责任区内',
          ...(g.residents != null ? [`常住人口 ${g.residents} 人${g.households != null ? `，${g.households} 户` : ''}`] : []),
          ...(n ? [`最近的基层党组织：${n.point.name}（约 ${n.km.toFixed(1)} 公里）`] : []),
        ],
        lng: g.center_lng, lat: g.center_lat, nearestOrgName: n?.point.name ?? null, nearestKm: n ? Math.round(n.km * 10) / 10 : null,
      };
    });
  const unitSpots: BlindSpot[] = units.map((u) => {
    const n = near(u.lng, u.lat);
    return {
      kind: 'unit_without_org', kindLabel: BLIND_SPOT_KINDS.unit_without_org, id: u.id, name: u.name, orgId: u.org_id, orgName: u.org_name, gridName: u.grid_name,
      facts: [
        `${MAP_UNIT_KINDS[u.kind as keyof typeof MAP_UNIT_KINDS] ?? u.kind}${u.grid_name ? `，登记在${u.grid_name}` : '，未落入任何网格'}`,
        `从业人员 ${u.employees ?? '未填'} 人，党员 ${u.party_members ?? '未填'} 人${(u.party_members ?? 0) >= 3 ? '（已有 3 名以上正式党员，应单独建立党组织）' : (u.party_members ?? 0) > 0 ? '（不足 3 人，可建立联合党支部或纳入就近党组织）' : '（可选派党建指导员）'}`,
        ...(n ? [`最近的基层党组织：${n.point.name}（约 ${n.km.toFixed(1)} 公里）`] : []),
      ],
      lng: u.lng, lat: u.lat, nearestOrgName: n?.point.name ?? null, nearestKm: n ? Math.round(n.km * 10) / 10 : null,
    };
  });
  const all = [...gridSpots, ...unitSpots].filter((s) => !query.kind || s.kind === query.kind);
  const start = (query.page - 1) * query.pageSize;
  return {
    items: all.slice(start, start + query.pageSize), total: all.length, page: query.page, pageSize: query.pageSize,
    counts: { grid_uncovered: gridSpots.length, unit_without_org: unitSpots.length },
  };
}

export async function searchMap(deps: Deps, ctx: ActorContext, query: { orgId?: string; q: string }): Promise<MapSearchResult> {
  const { org, scope } = await subtreeOf(deps, ctx, query.orgId);
  return { items: await repo.searchNames(deps.db, org.path, scope, query.q, 10) };
}
