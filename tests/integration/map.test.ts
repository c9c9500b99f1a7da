import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { multipartFile, readXlsx } from './security/support';
import type { BlindSpotPage, ImportAreasResult, ImportUnitsResult, MapAreaFeature, MapLayer, MapOrgCard } from '../../src/contracts/map';
import { UNIT_IMPORT_COLUMNS } from '../../src/server/domains/map/map.import';
import { creditCodeCheck } from '../../src/server/domains/map/map.policy';
import { DETAIL_LIMIT, POINT_LIMIT } from '../../src/server/domains/map/map.service';

// The party-building map (党建云图): grids and zones saved, edited, imported
// and scoped; org points clustered beyond the limit, density from the member
// rollups equal to a raw count; the org card; the blind spots and their
// warnings appearing and clearing with the facts.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

const square = (lng: number, lat: number, size = 0.01) => ({
  type: 'Polygon' as const,
  coordinates: [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]],
});

async function place(orgId: string, lng: number, lat: number) {
  await h.db.exec(sql`UPDATE org SET lng = ${lng}, lat = ${lat} WHERE id = ${orgId}`);
}

async function setup() {
  const root = await makeRoot(h.deps, '云图测试县委');
  const town = await makeOrg(h.deps, root, 'committee', '云图测试镇党委');
  const a = await makeOrg(h.deps, town, 'branch', '云图甲村党支部');
  const b = await makeOrg(h.deps, town, 'branch', '云图乙村党支部');
  const group = await makeOrg(h.deps, a, 'party_group', '云图甲村第一党小组');
  await place(root.id, 113.0, 28.0);
  await place(town.id, 113.1, 28.1);
  await place(a.id, 113.105, 28.105);
  await place(b.id, 113.135, 28.105);
  await place(group.id, 113.106, 28.106);
  await makeMember(h.deps, a.id, { name: '云图甲一', phone: '13800001234' });
  await makeMember(h.deps, a.id, { name: '云图甲二' });
  await makeMember(h.deps, group.id, { name: '云图小组一' });
  await makeMember(h.deps, b.id, { name: '云图乙一' });
  const county = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).username, PASSWORD);
  const secB = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: b.id, scope: 'subtree' }])).username, PASSWORD);
  return { root, town, a, b, group, county, secB };
}

async function layer(c: Client, query: string): Promise<MapLayer> {
  const res = await c.get(`/api/v1/map/layer?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as MapLayer;
}

async function saveArea(c: Client, body: Record<string, unknown>, id?: string) {
  return id ? c.put(`/api/v1/map/areas/${id}`, body) : c.post('/api/v1/map/areas', body);
}

describe('grids and zones', () => {
  it('saves a grid with its box and label point, refuses bad polygons in Chinese, edits at the version read and deletes', async () => {
    const s = await setup();
    const bad = await saveArea(s.county, { kind: 'grid', orgId: s.town.id, name: '坏网格', geometry: { type: 'Polygon', coordinates: [[[113.1, 28.1], [113.2, 28.1], [113.2, 28.2], [113.1, 28.2]]] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe('范围不正确：第1个环未闭合（首尾两点应相同）');
    expect(bad.json().error.details.issues).toEqual([{ field: 'geometry', message: '范围不正确：第1个环未闭合（首尾两点应相同）' }]);
    const flat = await saveArea(s.county, { kind: 'grid', orgId: s.town.id, name: '线网格', geometry: { type: 'Polygon', coordinates: [[[113.1, 28.1], [113.2, 28.1], [113.3, 28.1], [113.1, 28.1]]] } });
    expect(flat.statusCode).toBe(400);
    expect(flat.json().error.message).toContain('面积为零');
    const noName = await saveArea(s.county, { kind: 'grid', orgId: s.town.id, name: ' ', geometry: square(113.1, 28.1) });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().error.details.issues).toEqual([expect.objectContaining({ field: 'name', message: '请填写名称' })]);

    const created = await saveArea(s.county, { kind: 'grid', orgId: s.town.id, responsibleOrgId: s.a.id, name: '云图第1网格', code: 'YT-G01', residents: 1200, households: 400, geometry: square(113.1, 28.1) });
    expect(created.statusCode, created.body).toBe(200);
    const g = created.json() as MapAreaFeature;
    expect(g).toMatchObject({ kind: 'grid', name: '云图第1网格', responsibleOrgId: s.a.id, responsibleOrgName: '云图甲村党支部', residents: 1200, blind: false, version: 1 });
    expect(g.centerLng).toBeCloseTo(113.105, 9);
    expect(g.centerLat).toBeCloseTo(28.105, 9);
    const row = await h.db.one<{ min_lng: number; max_lat: number }>(sql`SELECT min_lng, max_lat FROM map_area WHERE id = ${g.id}`);
    expect(row.min_lng).toBe(113.1);
    expect(row.max_lat).toBeCloseTo(28.11, 12);

    const dup = await saveArea(s.county, { kind: 'grid', orgId: s.town.id, name: '重复编码', code: 'YT-G01', geometry: square(113.2, 28.2) });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error.message).toBe('编码“YT-G01”已被本组织的另一个网格使用');

    const edited = await saveArea(s.county, { kind: 'grid', orgId: s.town.id, responsibleOrgId: null, name: '云图第1网格', code: 'YT-G01', residents: 1300, geometry: square(113.1, 28.1, 0.02), version: 1 }, g.id);
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ version: 2, residents: 1300, responsibleOrgId: null, blind: true });
    const stale = await saveArea(s.county, { kind: 'grid', orgId: s.town.id, name: '旧版本', geometry: square(113.1, 28.1), version: 1 }, g.id);
    expect(stale.statusCode).toBe(409);

    expect((await s.county.del(`/api/v1/map/areas/${g.id}?version=1`)).statusCode).toBe(409);
    expect((await s.county.del(`/api/v1/map/areas/${g.id}?version=2`)).statusCode).toBe(200);
    expect((await layer(s.county, `orgId=${s.root.id}&layer=areas`)).areas).toEqual([]);
    const audit = await h.db.query<{ action: string }>(sql`SELECT action FROM audit_log WHERE object_id = ${g.id} ORDER BY id`);
    expect(audit.map((x) => x.action)).toEqual(['map.area_create', 'map.area_update', 'map.area_delete']);
  });

  it('keeps each committee to its own areas: a branch secretary sees the grid it answers for, cannot edit it, and never sees another county', async () => {
    const s = await setup();
    const other = await setup();
    const g = (await saveArea(s.county, { kind: 'grid', orgId: s.town.id, responsibleOrgId: s.b.id, name: '乙村网格', geometry: square(113.13, 28.1) })).json() as MapAreaFeature;
    const z = (await saveArea(s.county, { kind: 'zone', orgId: s.town.id, responsibleOrgId: s.a.id, name: '甲村责任区', geometry: square(113.09, 28.09, 0.03) })).json() as MapAreaFeature;
    const seen = await layer(s.secB, 'layer=areas');
    expect(seen.orgId).toBe(s.b.id);
    expect(seen.areas.map((a) => a.name)).toEqual(['乙村网格']);
    const edit = await saveArea(s.secB, { kind: 'grid', orgId: s.town.id, name: '改名', geometry: square(113.13, 28.1), version: g.version }, g.id);
    expect(edit.statusCode).toBe(400);
    expect(edit.json().error.details.issues).toEqual([{ field: 'orgId', message: '所属党组织不存在或不在您的管理范围内' }]);
    // the other county: not found, not listed, not a keeper or a responsible org to choose
    expect((await saveArea(other.county, { kind: 'zone', orgId: other.town.id, name: 'x', geometry: square(1, 1), version: 1 }, z.id)).statusCode).toBe(404);
    expect((await other.county.del(`/api/v1/map/areas/${z.id}?version=1`)).statusCode).toBe(404);
    expect((await layer(other.county, 'layer=areas')).areas).toEqual([]);
    const foreign = await saveArea(other.county, { kind: 'grid', orgId: other.town.id, responsibleOrgId: s.a.id, name: '越界', geometry: square(1, 1) });
    expect(foreign.json().error.details.issues).toEqual([{ field: 'responsibleOrgId', message: '负责党组织不存在或不在您的管理范围内' }]);
    expect((await other.county.get(`/api/v1/map/orgs/${s.a.id}`)).statusCode).toBe(404);
    expect((await other.county.get(`/api/v1/map/layer?layer=orgs&orgId=${s.root.id}`)).statusCode).toBe(404);
  });

  it('imports grids from GeoJSON: nothing when one feature is wrong, then all, and the same file again updates by code', async () => {
    const s = await setup();
    const feature = (props: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties: props, geometry });
    const upload = async (doc: unknown) => {
      const mp = multipartFile('网格.geojson', Buffer.from(JSON.stringify(doc)), 'application/geo+json');
      const res = await h.app.inject({ method: 'POST', url: `/api/v1/map/areas/import?kind=grid&orgId=${s.town.id}`, headers: { cookie: s.county.cookie, ...mp.headers }, payload: mp.payload });
      return res;
    };
    const good = [
      feature({ 名称: '导入第1网格', 编码: 'IM-1', 人口: 900, 负责党组织: '云图甲村党支部' }, square(113.1, 28.1)),
      feature({ name: '导入第2网格', code: 'IM-2', residents: '1,500' }, square(113.12, 28.1)),
    ];
    const bad = await upload({ type: 'FeatureCollection', features: [...good, feature({ 名称: '坏的' }, { type: 'Point', coordinates: [1, 2] }), feature({ 名称: '无名组织', 负责党组织: '不存在的支部' }, square(113.2, 28.2))] });
    expect(bad.statusCode, bad.body).toBe(200);
    expect((bad.json() as ImportAreasResult)).toEqual({ created: 0, updated: 0, errors: [
      { feature: 3, message: '范围应为 GeoJSON 的 Polygon 或 MultiPolygon' },
      { feature: 4, message: '负责党组织“不存在的支部”不存在或不在您的管理范围内' },
    ] });
    expect((await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM map_area WHERE org_id = ${s.town.id}`)).n).toBe(0);
    expect((await upload({ type: 'FeatureCollection', features: good })).json()).toEqual({ created: 2, updated: 0, errors: [] });
    expect((await upload({ type: 'FeatureCollection', features: good })).json()).toEqual({ created: 0, updated: 2, errors: [] });
    const areas = (await layer(s.county, `orgId=${s.town.id}&layer=areas&kind=grid`)).areas;
    expect(areas.map((a) => [a.name, a.code, a.residents, a.responsibleOrgName, a.blind, a.version])).toEqual([
      ['导入第1网格', 'IM-1', 900, '云图甲村党支部', false, 2],
      ['导入第2网格', 'IM-2', 1500, null, true, 2],
    ]);
    expect((await upload('not json at all')).json().error.message).toBe('文件应为 GeoJSON 的 FeatureCollection');
    const broken = await (async () => {
      const mp = multipartFile('坏.geojson', Buffer.from('{"type":'), 'application/geo+json');
      return h.app.inject({ method: 'POST', url: `/api/v1/map/areas/import?kind=grid&orgId=${s.town.id}`, headers: { cookie: s.county.cookie, ...mp.headers }, payload: mp.payload });
    })();
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.message).toBe('文件不是有效的 GeoJSON（JSON 格式错误）');
  });
});

describe('layers', () => {
  it('answers org points with their members until the limit, then clusters whose counts add up to every point in the view', async () => {
    const s = await setup();
    const pts = await layer(s.county, `orgId=${s.root.id}&layer=orgs`);
    expect(pts.clustered).toBe(false);
    expect(pts.points.map((p) => [p.name, p.members])).toEqual([
      ['云图测试县委', 4], ['云图测试镇党委', 4], ['云图甲村党支部', 3], ['云图乙村党支部', 1], ['云图甲村第一党小组', 1],
    ]);
    const view = await layer(s.county, `orgId=${s.root.id}&layer=orgs&bbox=113.101,28.101,113.12,28.11`);
    expect(view.points.map((p) => p.name)).toEqual(['云图甲村党支部', '云图甲村第一党小组']);

    // beyond the limit: a grid of orgs in one town, 0.001° apart
    const n = POINT_LIMIT + 20;
    await h.db.exec(sql`INSERT INTO org (parent_id, path, type, name, lng, lat, region_key)
      SELECT ${s.town.id}::uuid, (${s.town.path} || '.' || (900000000 + g))::ltree, 'branch', '聚合测试支部' || g, 113.2 + (g % 30) * 0.001, 28.3 + (g / 30) * 0.001, ${s.town.region_key}::uuid
      FROM generate_series(1, ${n}) g`);
    const all = await layer(s.county, `orgId=${s.root.id}&layer=orgs&zoom=12`);
    expect(all.clustered).toBe(true);
    expect(all.total).toBe(n + 5);
    expect(all.points).toEqual([]);
    expect(all.clusters.reduce((x, c) => x + c.count, 0)).toBe(n + 5);
    expect(all.clusters.length).toBeLessThan(20);
    const zoomedIn = await layer(s.county, `orgId=${s.root.id}&layer=orgs&zoom=18&bbox=113.2,28.3,113.205,28.305`);
    expect(zoomedIn.clustered).toBe(false);
    expect(zoomedIn.points.length).toBe(zoomedIn.total);
    expect(zoomedIn.total).toBeGreaterThan(0);
  });

  it('aggregates beyond the detail limit by level: orgs down to the deepest level within it, each standing for its subtree, counts and members unchanged', async () => {
    const s = await setup();
    const c = await makeOrg(h.deps, s.town, 'committee', '云图丙社区党委');
    await place(c.id, 113.4, 28.4);
    const n = DETAIL_LIMIT + 10;
    await h.db.exec(sql`INSERT INTO org (parent_id, path, type, name, lng, lat, region_key)
      SELECT ${c.id}::uuid, (${c.path} || '.' || (900000000 + g))::ltree, 'branch', '细节测试支部' || g, 113.4 + (g % 80) * 0.002, 28.4 + (g / 80) * 0.002, ${c.region_key}::uuid
      FROM generate_series(1, ${n}) g`);
    const raw = await h.db.one<{ orgs: number; members: number }>(sql`SELECT
      (SELECT count(*)::int FROM org o WHERE o.path <@ ${s.root.path}::ltree AND o.lng IS NOT NULL AND o.dissolved_on IS NULL) AS orgs,
      (SELECT count(*)::int FROM person p JOIN org o ON o.id = p.org_id WHERE o.path <@ ${s.root.path}::ltree AND o.lng IS NOT NULL AND p.is_current AND p.status IN ('full', 'probationary')) AS members`);
    expect(raw).toEqual({ orgs: n + 6, members: 4 });

    const orgs = await layer(s.county, `orgId=${s.root.id}&layer=orgs&zoom=7`);
    expect(orgs.clustered).toBe(true);
    expect(orgs.total).toBe(raw.orgs);
    expect(orgs.clusters.reduce((x, k) => x + k.count, 0)).toBe(raw.orgs);
    // the community committee (depth 3, the deepest level within the limit) stands for its branches at its own point
    // (read point by point, its cell's mean would lie among the branches, east and north of it)
    const cCell = orgs.clusters.find((k) => k.count === n + 1);
    expect(cCell, JSON.stringify(orgs.clusters)).toBeDefined();
    expect([cCell!.lng, cCell!.lat].map((x) => +x.toFixed(6))).toEqual([113.4, 28.4]);

    const density = await layer(s.county, `orgId=${s.root.id}&layer=density&zoom=16`);
    expect(density.total).toBe(raw.members);
    // branch 甲 (depth 3) carries its party group's member; nothing counted twice
    expect(density.clusters.map((k) => k.members).sort()).toEqual([1, 3]);

    // a view holding fewer points than the limit reads every point again
    const view = await layer(s.county, `orgId=${s.root.id}&layer=orgs&zoom=14&bbox=113.4,28.4,113.45,28.45`);
    const inView = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM org o WHERE o.path <@ ${s.root.path}::ltree AND o.lng BETWEEN 113.4 AND 113.45 AND o.lat BETWEEN 28.4 AND 28.45`);
    expect(view.total).toBe(inView.n);
    expect(view.clusters.reduce((x, k) => x + k.count, 0)).toBe(inView.n);
  });

  it('places members by cell from the rollups: each org its own, the total equal to a count of the members of orgs with a point', async () => {
    const s = await setup();
    const cells = await layer(s.county, `orgId=${s.root.id}&layer=density&zoom=16`);
    const raw = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person p JOIN org o ON o.id = p.org_id
      WHERE o.path <@ ${s.root.path}::ltree AND o.lng IS NOT NULL AND p.is_current AND p.status IN ('full', 'probationary')`);
    expect(raw.n).toBe(4);
    expect(cells.total).toBe(raw.n);
    expect(cells.clusters.reduce((x, c) => x + c.members, 0)).toBe(raw.n);
    // the branch without a point: its members drop out of the map, and nowhere counts them twice
    await h.db.exec(sql`UPDATE org SET lng = NULL, lat = NULL WHERE id = ${s.b.id}`);
    expect((await layer(s.county, `orgId=${s.root.id}&layer=density&zoom=16`)).total).toBe(3);
    // the layer never names a person
    expect(JSON.stringify(cells)).not.toContain('云图甲一');
  });

  it('shows an org card with the secretary, the phone masked, the members and the areas it answers for', async () => {
    const s = await setup();
    const sec = await makeMember(h.deps, s.a.id, { name: '云图书记', phone: '13912345678' });
    await h.db.exec(sql`WITH c AS (INSERT INTO org_committee (org_id, elected_on, term_years, term_ends_on) VALUES (${s.a.id}, '2024-06-01', 3, '2027-06-01') RETURNING id)
      INSERT INTO committee_post (committee_id, post, holder_name, person_id) SELECT c.id, 'secretary', '云图书记', ${sec.id}::uuid FROM c`);
    await saveArea(s.county, { kind: 'grid', orgId: s.town.id, responsibleOrgId: s.a.id, name: '甲村网格', geometry: square(113.1, 28.1) });
    const res = await s.county.get(`/api/v1/map/orgs/${s.a.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const card = res.json() as MapOrgCard;
    expect(card).toMatchObject({ name: '云图甲村党支部', type: 'branch', secretaryName: '云图书记', secretaryPhone: '139****5678', members: 4, lng: 113.105, lat: 28.105 });
    expect(card.areas.map((a) => a.name)).toEqual(['甲村网格']);
    expect(res.body).not.toContain('13912345678');
    // moving its point is the org's own edit (updateOrg), at its version
    const moved = await s.county.patch(`/api/v1/orgs/${s.a.id}`, { lng: 113.2, lat: 28.2, version: card.version });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await s.county.get(`/api/v1/map/orgs/${s.a.id}`)).json()).toMatchObject({ lng: 113.2, lat: 28.2 });
  });
});

describe('blind spots', () => {
  async function unitsFile(rows: string[][]) {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('两新组织');
    ws.addRow([...UNIT_IMPORT_COLUMNS]);
    for (const r of rows) ws.addRow(r);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  const code = (first17: string) => first17 + creditCodeCheck(first17);

  it('lists grids no org answers for and units without a party organisation, with the facts; a zone or an org clears them; the scan warns and clears', async () => {
    const s = await setup();
    const open = (await saveArea(s.county, { kind: 'grid', orgId: s.town.id, name: '无人网格', residents: 2100, households: 700, geometry: square(113.14, 28.1) })).json() as MapAreaFeature;
    await saveArea(s.county, { kind: 'grid', orgId: s.town.id, responsibleOrgId: s.a.id, name: '有人网格', geometry: square(113.1, 28.1) });

    // the template, read back with a reader other than the writer
    const template = await s.county.get('/api/v1/map/units/import/template');
    expect(template.statusCode).toBe(200);
    expect((await readXlsx(template.rawPayload))[0]).toEqual([...UNIT_IMPORT_COLUMNS]);

    const withOrg = code('91430100MA4L00001');
    const without = code('91430100MA4L00002');
    const upload = async (data: Buffer) => {
      const mp = multipartFile('两新组织.xlsx', data, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const res = await h.app.inject({ method: 'POST', url: `/api/v1/map/units/import?orgId=${s.town.id}`, headers: { cookie: s.county.cookie, ...mp.headers }, payload: mp.payload });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as ImportUnitsResult;
    };
    const bad = await upload(await unitsFile([
      ['有组织公司', withOrg, '非公有制企业', '80', '6', '甲村路1号', '113.105', '28.105', '', '云图甲村党支部'],
      ['坏代码公司', '91430100MA4L000000', '企业', '-1', '', '', '113.1', '', '不存在的网格', ''],
    ]));
    expect(bad).toEqual({ created: 0, updated: 0, errors: [{ row: 3, message: '统一社会信用代码不正确（18位，校验位不符）；从业人员数应为非负整数；经度和纬度须同时填写；所在网格“不存在的网格”不存在' }] });
    const good = await upload(await unitsFile([
      ['有组织公司', withOrg, '非公有制企业', '80', '6', '甲村路1号', '113.105', '28.105', '', '云图甲村党支部'],
      ['无组织公司', without, '非公有制企业', '45', '4', '乙村路2号', '113.145', '28.105', '', ''],
      ['无码商会', '', '社会组织', '9', '0', '', '', '', '有人网格', ''],
    ]));
    expect(good).toEqual({ created: 3, updated: 0, errors: [] });
    const placed = await h.db.query<{ name: string; grid: string | null }>(sql`SELECT u.name, g.name AS grid FROM map_unit u LEFT JOIN map_area g ON g.id = u.grid_id WHERE u.org_id = ${s.town.id} ORDER BY u.name`);
    expect(placed).toEqual([{ name: '无码商会', grid: '有人网格' }, { name: '无组织公司', grid: '无人网格' }, { name: '有组织公司', grid: '有人网格' }]);

    const spots = async (c: Client, orgId: string | null = s.root.id) => {
      const res = await c.get(`/api/v1/map/blind-spots${orgId ? `?orgId=${orgId}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as BlindSpotPage;
    };
    const first = await spots(s.county);
    expect(first.counts).toEqual({ grid_uncovered: 1, unit_without_org: 2 });
    expect(first.items.map((i) => [i.kind, i.name, i.gridName])).toEqual([
      ['grid_uncovered', '无人网格', '无人网格'], ['unit_without_org', '无组织公司', '无人网格'], ['unit_without_org', '无码商会', '有人网格'],
    ]);
    expect(first.items[0].facts).toEqual(['未确定负责的党组织，也不在任何党建责任区内', '常住人口 2100 人，700 户', expect.stringMatching(/^最近的基层党组织：云图乙村党支部（约 [\d.]+ 公里）$/)]);
    expect(first.items[1].facts[1]).toBe('从业人员 45 人，党员 4 人（已有 3 名以上正式党员，应单独建立党组织）');

    // the warning centre: found within one scan, cleared by the next once fixed
    const scan = async () => {
      await h.deps.jobs.enqueue('warnings.scan', {});
      expect(await h.deps.jobs.runDue()).toBeGreaterThanOrEqual(1);
    };
    await scan();
    const warned = (await s.county.get(`/api/v1/warnings?orgId=${s.town.id}&module=map`)).json();
    expect(warned.items.map((w: { kind: string; title: string; level: string }) => [w.kind, w.title, w.level]).sort()).toEqual([
      ['grid_uncovered', '无人网格', 'warning'], ['unit_without_org', '无码商会', 'info'], ['unit_without_org', '无组织公司', 'error'],
    ]);

    // a zone over the open grid covers it; the unit gets its organisation by a second import
    await saveArea(s.county, { kind: 'zone', orgId: s.town.id, responsibleOrgId: s.b.id, name: '乙村责任区', geometry: square(113.13, 28.09, 0.03) });
    expect(await upload(await unitsFile([['无组织公司', without, '非公有制企业', '45', '4', '乙村路2号', '113.145', '28.105', '', '云图乙村党支部']]))).toEqual({ created: 0, updated: 1, errors: [] });
    const after = await spots(s.county);
    expect(after.counts).toEqual({ grid_uncovered: 0, unit_without_org: 1 });
    expect((await layer(s.county, `orgId=${s.town.id}&layer=areas&kind=grid`)).areas.find((a) => a.id === open.id)?.blind).toBe(false);
    await scan();
    const left = (await s.county.get(`/api/v1/warnings?orgId=${s.town.id}&module=map`)).json();
    expect(left.items.map((w: { title: string }) => w.title)).toEqual(['无码商会']);
    // the secretary of branch B sees no units of the town (registered by the town committee)
    expect((await spots(s.secB, null)).counts.unit_without_org).toBe(0);
    expect((await s.secB.get(`/api/v1/map/blind-spots?orgId=${s.root.id}`)).statusCode).toBe(404);
  });
});
