import type { Db } from '../platform/db';
import { sql } from '../platform/sql';
import { boundsOf, creditCodeCheck, labelPointOf } from '../domains/map';
import type { PolygonGeometry } from '../../contracts/map';
import type { Rng } from './random';

// Demo grids, 党建责任区 and 两新组织 for the demo county (issue 15): around
// each town committee a 3 × 3 lattice of grids, each answered for by the
// nearest branch of the town except two; a responsibility zone over the top
// row, assigned to the town's 工业园党总支 (it covers one of the two); and five
// units per town, two of them without a party organisation. So every town has
// one blind grid and two units to organise, and the map shows what to do.

const CELL = 0.03;
const UNIT_NAMES = [
  ['科技有限公司', 'enterprise'], ['物流有限公司', 'enterprise'], ['商会', 'social'], ['养老服务中心', 'social'], ['食品有限公司', 'enterprise'],
] as const;
const WORDS = ['恒信', '瑞丰', '远航', '鑫源', '华泰', '嘉禾', '宏达', '新创', '康宁', '锦程', '万通', '德润'];
const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function square(lng0: number, lat0: number, w: number, h: number): PolygonGeometry {
  const r = (x: number) => +x.toFixed(6);
  return { type: 'Polygon', coordinates: [[[r(lng0), r(lat0)], [r(lng0 + w), r(lat0)], [r(lng0 + w), r(lat0 + h)], [r(lng0), r(lat0 + h)], [r(lng0), r(lat0)]]] };
}

async function insertArea(db: Db, a: { kind: 'grid' | 'zone'; orgId: string; responsibleOrgId: string | null; name: string; code: string; residents: number | null; households: number | null; geometry: PolygonGeometry; createdAt: string }) {
  const b = boundsOf(a.geometry);
  const c = labelPointOf(a.geometry);
  const r = await db.one<{ id: string }>(sql`
    INSERT INTO map_area (kind, org_id, responsible_org_id, name, code, residents, households, geometry, min_lng, min_lat, max_lng, max_lat, center_lng, center_lat, created_at, updated_at)
    VALUES (${a.kind}, ${a.orgId}, ${a.responsibleOrgId}, ${a.name}, ${a.code}, ${a.residents}, ${a.households}, ${JSON.stringify(a.geometry)}::jsonb,
            ${b.minLng}, ${b.minLat}, ${b.maxLng}, ${b.maxLat}, ${c.lng}, ${c.lat}, ${a.createdAt}::date, ${a.createdAt}::date)
    RETURNING id`);
  return r.id;
}

export async function generateMap(db: Db, rng: Rng, opts: { rootId: string; today: string }): Promise<{ grids: number; zones: number; units: number }> {
  const towns = await db.query<{ id: string; name: string; code: string; lng: number; lat: number; path: string }>(sql`
    SELECT o.id, o.name, o.code, o.lng, o.lat, o.path::text AS path FROM org o
    WHERE o.parent_id = ${opts.rootId}::uuid AND o.type = 'committee' AND (o.name LIKE '%镇委员会' OR o.name LIKE '%乡委员会') AND o.lng IS NOT NULL
    ORDER BY o.seq`);
  const createdAt = `${Number(opts.today.slice(0, 4)) - 1}-03-15`;
  let grids = 0;
  let zones = 0;
  let units = 0;
  for (const town of towns) {
    const short = town.name.replace(/^中共/, '').replace(/委员会$/, '');
    const branches = await db.query<{ id: string; name: string; type: string; lng: number; lat: number }>(sql`
      SELECT o.id, o.name, o.type, o.lng, o.lat FROM org o
      WHERE o.path <@ ${town.path}::ltree AND o.type IN ('branch', 'general_branch') AND o.lng IS NOT NULL AND o.dissolved_on IS NULL ORDER BY o.seq`);
    const nearestBranch = (lng: number, lat: number) =>
      branches.filter((b) => b.type === 'branch').reduce((best, b) => ((b.lng - lng) ** 2 + (b.lat - lat) ** 2 < (best.lng - lng) ** 2 + (best.lat - lat) ** 2 ? b : best));
    const west = town.lng - 1.5 * CELL;
    const south = town.lat - 1.5 * CELL;
    const cells: Array<{ id: string; lng0: number; lat0: number }> = [];
    for (let k = 0; k < 9; k++) {
      const col = k % 3;
      const row = Math.floor(k / 3);
      const lng0 = west + col * CELL;
      const lat0 = south + (2 - row) * CELL; // row 0 is the northern row
      const residents = rng.int(800, 3500);
      const responsible = k === 2 || k === 7 ? null : nearestBranch(lng0 + CELL / 2, lat0 + CELL / 2).id;
      const id = await insertArea(db, {
        kind: 'grid', orgId: town.id, responsibleOrgId: responsible, name: `${short}第${k + 1}网格`, code: `${town.code}-G${String(k + 1).padStart(2, '0')}`,
        residents, households: Math.round(residents / (2.6 + rng.next() * 0.6)), geometry: square(lng0, lat0, CELL, CELL), createdAt,
      });
      cells.push({ id, lng0, lat0 });
      grids++;
    }
    const general = branches.find((b) => b.type === 'general_branch') ?? branches[0];
    await insertArea(db, {
      kind: 'zone', orgId: town.id, responsibleOrgId: general.id, name: `${general.name}党建责任区`, code: `${town.code}-Z01`, residents: null, households: null,
      geometry: square(west, south + 2 * CELL, 3 * CELL, CELL), createdAt,
    });
    zones++;
    for (let u = 0; u < UNIT_NAMES.length; u++) {
      const [suffix, kind] = UNIT_NAMES[u];
      const cell = cells[rng.int(0, cells.length - 1)];
      const lng = +(cell.lng0 + rng.next() * CELL).toFixed(6);
      const lat = +(cell.lat0 + rng.next() * CELL).toFixed(6);
      const word = WORDS[(u * 5 + rng.int(0, WORDS.length - 1)) % WORDS.length];
      const name = kind === 'social' && suffix === '商会' ? `${short}${word}${suffix}` : `${short.replace(/[镇乡]$/, '')}${word}${suffix}`;
      const first17 = `${kind === 'enterprise' ? '91' : '52'}430100${Array.from({ length: 9 }, () => CODE_CHARS[rng.int(0, 30)]).join('')}`;
      const withoutOrg = u === 1 || u === 3;
      const partyMembers = withoutOrg ? (u === 1 ? rng.int(3, 5) : rng.int(0, 2)) : rng.int(3, 12);
      await db.exec(sql`
        INSERT INTO map_unit (org_id, grid_id, party_org_id, name, credit_code, kind, employees, party_members, address, lng, lat, created_at, updated_at)
        VALUES (${town.id}, ${cell.id}, ${withoutOrg ? null : nearestBranch(lng, lat).id}, ${name}, ${first17 + creditCodeCheck(first17)}, ${kind}, ${rng.int(12, 260)}, ${partyMembers},
                ${`${short}${word}路${rng.int(1, 88)}号`}, ${lng}, ${lat}, ${createdAt}::date, ${createdAt}::date)`);
      units++;
    }
  }
  return { grids, zones, units };
}
