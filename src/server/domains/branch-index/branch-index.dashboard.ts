import { periodLabel, periodOf } from '../../../contracts/meeting';
import { INDEX_BANDS, type IndexBand } from '../../../contracts/branch-index';
import type { DashboardTileSource } from '../dashboard';
import * as repo from './branch-index.repo';

// The big screen's 先锋指数 tile: how many branches of the subtree stand in each
// band this quarter — a distribution, never a ranking (RULES §8).

export const indexTile: DashboardTileSource = {
  key: 'index', title: '先锋指数', permission: 'points.read', order: 60,
  async load(deps, org, today) {
    const period = periodOf('quarter', today);
    // the screen shows a tile only where the viewer's grant covers the whole subtree: the subtree's rollup (migration 0030)
    const rows = await repo.bandRollup(deps.db, org.id, period);
    const bands = Object.keys(INDEX_BANDS) as IndexBand[];
    const none = rows.find((r) => r.band === 'none')?.n ?? 0;
    const points: Array<{ label: string; values: number[] }> = bands.map((b) => ({ label: INDEX_BANDS[b], values: [rows.find((r) => r.band === b)?.n ?? 0] }));
    if (none) points.push({ label: '无数据', values: [none] });
    return {
      link: `/admin/points/index?orgId=${org.id}&period=${period}`,
      figures: bands.map((b, i) => ({ label: `${INDEX_BANDS[b]}支部`, value: points[i].values[0], unit: '个', link: `/admin/points/index?orgId=${org.id}&period=${period}` })),
      series: [{ key: 'bands', title: `${periodLabel(period)}档次分布`, chart: 'pie', names: ['支部数'], points, link: `/admin/points/index?orgId=${org.id}&period=${period}` }],
      note: '按档次统计，不排名',
    };
  },
};
