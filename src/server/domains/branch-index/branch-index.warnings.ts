import type { Deps } from '../../deps';
import { unscoped } from '../../platform/scope';
import { periodLabel, periodOf } from '../../../contracts/meeting';
import type { WarningDetector } from '../warning';
import * as repo from './branch-index.repo';

// The branch index as warnings: a branch of the running quarter in the lowest
// band (yellow) or under a veto item (red), with what put it there — a warning
// to act on, never a ranking (RULES §8). Clears when the recomputed index rises.
export const indexWarningDetector: WarningDetector = {
  module: 'index',
  kinds: { lagging: '先锋指数后进' },
  async detect(deps: Deps, today: string) {
    const period = periodOf('quarter', today);
    const rows = await repo.laggingBranches(deps.db, unscoped('the warning scan reads every branch; the list scopes its reads'), null, period, 1_000_000);
    return rows.map((r) => {
      const why = r.adjustments.filter((a) => a.applied).map((a) => a.detail ?? a.label);
      return {
        kind: 'lagging', subject: `${r.id}:${period}`, orgId: r.id, title: r.name, level: r.vetoed ? ('error' as const) : ('warning' as const),
        detail: `${periodLabel(period)}先锋指数为后进：${why.length ? why.join('；') : `综合指数 ${r.composite ?? '无数据'}`}`,
        source: 'RULES §7 本平台默认的支部先锋指数综合方法', link: `/admin/points/index?orgId=${r.id}&period=${period}`, dueOn: null, factOn: null,
      };
    });
  },
};
