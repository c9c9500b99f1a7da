import type { Deps } from '../../deps';
import { unscoped } from '../../platform/scope';
import { BLIND_SPOT_KINDS, MAP_UNIT_KINDS, type PolygonGeometry } from '../../../contracts/map';
import type { DetectedWarning, WarningDetector } from '../warning';
import { gridCovered } from './map.policy';
import * as repo from './map.repo';

// The blind spots (党建盲区) as warnings, on the committee that keeps the grid
// or registered the unit: a grid no party organisation answers for, a 两新组织
// without a party organisation. Cleared when a responsible org is set, a zone
// covers the grid, or the unit gets its organisation.

export const mapWarningDetector: WarningDetector = {
  module: 'map',
  kinds: { ...BLIND_SPOT_KINDS },
  async detect(deps: Deps) {
    const all = unscoped('the warning scan reads every grid and unit; the list scopes its reads');
    const [grids, units] = await Promise.all([repo.gridsOf(deps.db, null, all), repo.unitsWithoutOrg(deps.db, null, all)]);
    const out: DetectedWarning[] = [];
    if (grids.some((g) => !g.responsible_org_id)) {
      const box = { w: -180, e: 180, s: -90, n: 90 };
      const zones = (await repo.zonesAround(deps.db, box)).map((z) => ({ geometry: z.geometry as PolygonGeometry, bounds: { minLng: z.min_lng, minLat: z.min_lat, maxLng: z.max_lng, maxLat: z.max_lat } }));
      for (const g of grids) {
        if (gridCovered({ responsibleOrgId: g.responsible_org_id, centerLng: g.center_lng, centerLat: g.center_lat }, zones)) continue;
        out.push({
          kind: 'grid_uncovered', subject: g.id, orgId: g.org_id, title: g.name, level: 'warning',
          detail: `网格未确定负责的党组织，也不在任何党建责任区内${g.residents != null ? `（常住人口 ${g.residents} 人）` : ''}`,
          source: null, link: `/admin/map?tab=blind&at=${g.center_lng.toFixed(5)},${g.center_lat.toFixed(5)}`, dueOn: null, factOn: null,
        });
      }
    }
    for (const u of units) {
      out.push({
        kind: 'unit_without_org', subject: u.id, orgId: u.org_id, title: u.name, level: (u.party_members ?? 0) >= 3 ? 'error' : 'info',
        detail: `${MAP_UNIT_KINDS[u.kind as keyof typeof MAP_UNIT_KINDS] ?? u.kind}未建立党组织（党员 ${u.party_members ?? '未填'} 人，从业人员 ${u.employees ?? '未填'} 人）`,
        source: (u.party_members ?? 0) >= 3 ? '《中国共产党章程》第三十条：企业、农村、机关、学校、科研院所、街道社区、社会组织、人民解放军连队和其他基层单位，凡是有正式党员三人以上的，都应当成立党的基层组织' : null,
        link: u.lng != null && u.lat != null ? `/admin/map?tab=blind&at=${u.lng.toFixed(5)},${u.lat.toFixed(5)}` : '/admin/map?tab=blind', dueOn: null, factOn: null,
      });
    }
    return out;
  },
};
