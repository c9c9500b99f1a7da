import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { orgInScope } from '../../platform/scope';
import { WORKBENCH_GROUP_ITEMS, type WorkbenchGroup } from '../../../contracts/workbench';
import { periodLabel, periodOf } from '../../../contracts/meeting';
import { registerWorkbenchSource, type WorkbenchOrg } from '../workbench';
import * as repo from './branch-index.repo';

// The 先锋指数 工作台 section: the branches of the running quarter in the
// lowest band or under a veto item, with what put them there — a warning to
// act on, never a ranking (RULES §8).

export async function indexWorkbench(deps: Deps, ctx: ActorContext, under: WorkbenchOrg | null = null) {
  const period = periodOf('quarter', deps.clock.today());
  const rows = await repo.laggingBranches(deps.db, orgInScope(ctx.actor, 'points.read'), under?.path ?? null, period, WORKBENCH_GROUP_ITEMS);
  const groups: WorkbenchGroup[] = [];
  if (rows.length) {
    groups.push({
      kind: 'lagging', label: `${periodLabel(period)}先锋指数为后进的支部`, level: 'warning', count: rows[0].total, source: 'RULES §7 本平台默认的支部先锋指数综合方法', link: `/admin/points/index?period=${period}`,
      items: rows.map((r) => {
        const why = r.adjustments.filter((a) => a.applied).map((a) => a.detail ?? a.label);
        return { title: r.name, detail: why.length ? why.join('；') : `综合指数 ${r.composite ?? '无数据'}`, orgName: null, date: null, level: (r.vetoed ? 'error' : 'warning') as 'error' | 'warning', link: `/admin/points/index?orgId=${r.id}&period=${period}` };
      }),
    });
  }
  return {
    link: '/admin/points/index',
    stats: [{ label: '后进支部', value: rows[0]?.total ?? 0, unit: '个', link: `/admin/points/index?period=${period}` }],
    groups,
    empty: '本季度没有先锋指数为后进的支部。',
  };
}

export function registerIndexWorkbench() {
  registerWorkbenchSource({ key: 'index', title: '先锋指数', permission: 'points.read', order: 52, load: indexWorkbench });
}
