import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { auditInTx } from '../../platform/audit';
import { AppError } from '../../platform/errors';
import { importTemplate, loadExcel, readSheet } from '../../platform/excel';
import { orgInScope } from '../../platform/scope';
import { PolygonGeometry, SaveAreaBody, MAP_UNIT_KINDS, type AreaKind, type ImportAreasResult, type ImportUnitsResult } from '../../../contracts/map';
import { boundsOf, creditCodeValid, geometryProblem, labelPointOf, pointInGeometry } from './map.policy';
import * as repo from './map.repo';

// Imports of the map: grids or zones from a GeoJSON FeatureCollection (the
// grid management's export), and the 两新组织 registered in the grids from an
// Excel template. Both check every feature or row first and import nothing
// when one is wrong (the answer lists each problem); an area with a code, or
// a unit with a credit code, already there is updated, so a file can be
// imported again after a correction.

const MAX_FEATURES = 5000;

function refuse(message: string): AppError {
  return new AppError('VALIDATION_FAILED', message);
}

const prop = (p: Record<string, unknown>, ...keys: string[]): unknown => {
  for (const k of keys) if (p[k] !== undefined && p[k] !== null && p[k] !== '') return p[k];
  return undefined;
};
const asText = (v: unknown): string | undefined => (v === undefined ? undefined : String(v).trim());
const asCount = (v: unknown): number | null | 'bad' => {
  if (v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(String(v).replace(/[,，\s]/g, ''));
  return Number.isInteger(n) && n >= 0 && n <= 10_000_000 ? n : 'bad';
};

export async function importGrids(deps: Deps, ctx: ActorContext, kind: AreaKind, orgId: string, data: Buffer): Promise<ImportAreasResult> {
  const keeper = await repo.orgForArea(deps.db, orgId, orgInScope(ctx.actor, 'org.update'));
  if (!keeper) throw new AppError('VALIDATION_FAILED', '所属党组织不存在或不在您的管理范围内', { issues: [{ field: 'orgId', message: '所属党组织不存在或不在您的管理范围内' }] });
  let doc: unknown;
  try {
    doc = JSON.parse(data.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw refuse('文件不是有效的 GeoJSON（JSON 格式错误）');
  }
  const features = (doc as { type?: string; features?: unknown[] })?.type === 'FeatureCollection' ? (doc as { features: unknown[] }).features
    : (doc as { type?: string })?.type === 'Feature' ? [doc] : null;
  if (!Array.isArray(features)) throw refuse('文件应为 GeoJSON 的 FeatureCollection');
  if (!features.length) throw refuse('文件中没有任何要素');
  if (features.length > MAX_FEATURES) throw refuse(`单个文件最多导入 ${MAX_FEATURES} 个区域，请拆分后导入`);

  const errors: ImportAreasResult['errors'] = [];
  const rows: Array<SaveAreaBody & { feature: number }> = [];
  const responsibleKeys = new Set<string>();
  const codes = new Set<string>();
  features.forEach((f, i) => {
    const p = ((f as { properties?: Record<string, unknown> })?.properties ?? {}) as Record<string, unknown>;
    const responsible = asText(prop(p, '负责党组织', 'responsible', 'responsibleOrg'));
    if (responsible) responsibleKeys.add(responsible);
    const residents = asCount(prop(p, '人口', 'residents', 'population'));
    const households = asCount(prop(p, '户数', 'households'));
    const parsed = SaveAreaBody.safeParse({
      kind, orgId: keeper.id, name: asText(prop(p, '名称', 'name', 'NAME')) ?? '', code: asText(prop(p, '编码', 'code', 'CODE')) ?? null,
      residents: residents === 'bad' ? -1 : residents, households: households === 'bad' ? -1 : households, note: asText(prop(p, '备注', 'note')) ?? null,
      geometry: (f as { geometry?: unknown })?.geometry,
    });
    if (!parsed.success) {
      errors.push({ feature: i + 1, message: parsed.error.issues.map((x) => x.message).join('；') });
      return;
    }
    const problem = geometryProblem(parsed.data.geometry);
    if (problem) {
      errors.push({ feature: i + 1, message: `范围不正确：${problem}` });
      return;
    }
    if (parsed.data.code) {
      if (codes.has(parsed.data.code)) errors.push({ feature: i + 1, message: `编码“${parsed.data.code}”在文件中重复` });
      codes.add(parsed.data.code);
    }
    rows.push({ ...parsed.data, responsibleOrgId: responsible ?? null, feature: i + 1 });
  });
  // the responsible org may sit anywhere the actor sees (a unit's branch under another committee)
  const byKey = new Map<string, string[]>();
  for (const o of await repo.orgsByNameOrCode(deps.db, null, orgInScope(ctx.actor, 'org.read'), [...responsibleKeys])) {
    for (const k of [o.name, o.code]) if (k) byKey.set(k, [...(byKey.get(k) ?? []), o.id]);
  }
  rows.forEach((r) => {
    if (!r.responsibleOrgId) return;
    const ids = byKey.get(r.responsibleOrgId);
    if (!ids) errors.push({ feature: r.feature, message: `负责党组织“${r.responsibleOrgId}”不存在或不在您的管理范围内` });
    else if (ids.length > 1) errors.push({ feature: r.feature, message: `负责党组织“${r.responsibleOrgId}”有重名，请填写组织代码` });
    else r.responsibleOrgId = ids[0];
  });
  if (errors.length) return { created: 0, updated: 0, errors: errors.sort((a, b) => a.feature - b.feature) };

  return deps.db.tx(async (t) => {
    let created = 0;
    let updated = 0;
    for (const r of rows) {
      const g = r.geometry as PolygonGeometry;
      const b = boundsOf(g);
      const c = labelPointOf(g);
      const v: repo.AreaValues = {
        kind, orgId: keeper.id, responsibleOrgId: r.responsibleOrgId ?? null, name: r.name, code: r.code ?? null, residents: r.residents ?? null, households: r.households ?? null,
        note: r.note ?? null, geometry: g, minLng: b.minLng, minLat: b.minLat, maxLng: b.maxLng, maxLat: b.maxLat, centerLng: c.lng, centerLat: c.lat,
      };
      const existing = r.code ? await repo.findAreaByCode(t, keeper.id, kind, r.code) : null;
      if (existing) {
        await repo.updateArea(t, existing.id, existing.version, v);
        updated++;
      } else {
        await repo.insertArea(t, v, ctx.actor.accountId);
        created++;
      }
    }
    await auditInTx(t, ctx, { action: 'map.area_import', objectType: 'org', objectId: keeper.id, orgId: keeper.id, detail: { kind, created, existing: updated } });
    return { created, updated, errors: [] };
  });
}

export const UNIT_IMPORT_COLUMNS = ['单位名称', '统一社会信用代码', '单位类型', '从业人员数', '党员人数', '地址', '经度', '纬度', '所在网格（名称或编码）', '党组织（名称或代码，未建立则留空）'] as const;

export async function buildUnitTemplate(): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  importTemplate(wb, {
    name: '两新组织',
    columns: UNIT_IMPORT_COLUMNS.map((header, i) => ({ header, width: [28, 22, 14, 12, 10, 30, 12, 12, 24, 30][i], text: header === '统一社会信用代码', list: header === '单位类型' ? Object.values(MAP_UNIT_KINDS) : undefined })),
    rows: [['示例科技有限公司', '91430100MA4L000000', MAP_UNIT_KINDS.enterprise, '35', '2', '示范县城关镇建设路8号', '113.651', '28.512', '城关镇第1网格', '']],
    help: [
      ['单位类型', Object.values(MAP_UNIT_KINDS).join(' / ')],
      ['统一社会信用代码', '18位，按 GB 32100 校验；没有的可留空（同名单位视为同一单位）'],
      ['经度、纬度', 'WGS84/CGCS2000 坐标（度）；填写后自动落入所在网格，也可直接填写所在网格'],
      ['党组织', '已建立或已纳入的党组织名称或组织代码；未建立党组织的单位留空，会列入党建盲区'],
      ['重复导入', '同一统一社会信用代码（或同名）的单位会被更新，可放心重复导入'],
      ['示例行', '第2行是示例，导入前请删除'],
    ],
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const KIND_BY_LABEL = new Map<string, 'enterprise' | 'social'>([['非公有制企业', 'enterprise'], ['非公企业', 'enterprise'], ['企业', 'enterprise'], ['社会组织', 'social']]);

export async function importGridUnits(deps: Deps, ctx: ActorContext, orgId: string, data: Buffer): Promise<ImportUnitsResult> {
  const keeper = await repo.orgForArea(deps.db, orgId, orgInScope(ctx.actor, 'org.update'));
  if (!keeper) throw new AppError('VALIDATION_FAILED', '所属党组织不存在或不在您的管理范围内', { issues: [{ field: 'orgId', message: '所属党组织不存在或不在您的管理范围内' }] });
  const rows = await readSheet(data, UNIT_IMPORT_COLUMNS, '单个文件最多导入1万行，请拆分后导入', 10_000);
  if (!rows.length) throw refuse('文件中没有数据行');
  const grids = await repo.gridShapesUnder(deps.db, keeper.path);
  const gridByKey = new Map<string, string>();
  for (const g of grids) for (const k of [g.name, g.code]) if (k) gridByKey.set(k, g.id);
  const orgKeys = [...new Set(rows.map((r) => r[10]?.trim()).filter((x): x is string => !!x))];
  const orgByKey = new Map<string, string[]>();
  for (const o of await repo.orgsByNameOrCode(deps.db, keeper.path, orgInScope(ctx.actor, 'org.read'), orgKeys)) {
    for (const k of [o.name, o.code]) if (k) orgByKey.set(k, [...(orgByKey.get(k) ?? []), o.id]);
  }
  const errors: ImportUnitsResult['errors'] = [];
  const values: repo.UnitValues[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const rowNo = Number(r[0]);
    const [name, code, kindText, employees, members, address, lngText, latText, gridText, orgText] = r.slice(1).map((x) => (x ?? '').trim());
    const problems: string[] = [];
    if (!name) problems.push('请填写单位名称');
    else if (name.length > 100) problems.push('单位名称最多100个字');
    const creditCode = code ? code.toUpperCase() : null;
    if (creditCode && !creditCodeValid(creditCode)) problems.push('统一社会信用代码不正确（18位，校验位不符）');
    const kind = KIND_BY_LABEL.get(kindText);
    if (!kind) problems.push(`单位类型应为 ${Object.values(MAP_UNIT_KINDS).join(' 或 ')}`);
    const emp = asCount(employees || undefined);
    const pm = asCount(members || undefined);
    if (emp === 'bad') problems.push('从业人员数应为非负整数');
    if (pm === 'bad') problems.push('党员人数应为非负整数');
    const lng = lngText ? Number(lngText) : null;
    const lat = latText ? Number(latText) : null;
    if ((lng === null) !== (lat === null)) problems.push('经度和纬度须同时填写');
    if (lng !== null && !(lng >= -180 && lng <= 180)) problems.push('经度应在 -180 至 180 之间');
    if (lat !== null && !(lat >= -90 && lat <= 90)) problems.push('纬度应在 -90 至 90 之间');
    let gridId: string | null = null;
    if (gridText) {
      gridId = gridByKey.get(gridText) ?? null;
      if (!gridId) problems.push(`所在网格“${gridText}”不存在`);
    } else if (lng !== null && lat !== null && Number.isFinite(lng) && Number.isFinite(lat)) {
      gridId = grids.find((g) => lng >= g.min_lng && lng <= g.max_lng && lat >= g.min_lat && lat <= g.max_lat && pointInGeometry(lng, lat, g.geometry as PolygonGeometry))?.id ?? null;
    }
    let partyOrgId: string | null = null;
    if (orgText) {
      const ids = orgByKey.get(orgText);
      if (!ids) problems.push(`党组织“${orgText}”不存在或不在本组织之下`);
      else if (ids.length > 1) problems.push(`党组织“${orgText}”有重名，请填写组织代码`);
      else partyOrgId = ids[0];
    }
    const key = creditCode ?? `name:${name}`;
    if (name && seen.has(key)) problems.push('与文件中前面的行是同一单位');
    seen.add(key);
    if (problems.length) {
      errors.push({ row: rowNo, message: problems.join('；') });
      continue;
    }
    values.push({ orgId: keeper.id, gridId, partyOrgId, name, creditCode, kind: kind!, employees: emp as number | null, partyMembers: pm as number | null, address: address || null, lng, lat });
  }
  if (errors.length) return { created: 0, updated: 0, errors };
  return deps.db.tx(async (t) => {
    let created = 0;
    for (const v of values) if (await repo.upsertUnit(t, v)) created++;
    await auditInTx(t, ctx, { action: 'map.unit_import', objectType: 'org', objectId: keeper.id, orgId: keeper.id, detail: { rows: values.length, created, existing: values.length - created } });
    return { created, updated: values.length - created, errors: [] };
  });
}

