import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { orgInScope } from '../../platform/scope';
import { ruleInForce } from '../../platform/rules';
import { WORKBENCH_GROUP_ITEMS, type WorkbenchGroup } from '../../../contracts/workbench';
import { registerWorkbenchSource, type WorkbenchOrg } from '../workbench';
import type { RedemptionRule } from './mall.service';
import * as repo from './mall.repo';

// The 积分商城 工作台 section, for suppliers: redemptions waiting at the desk,
// the soonest last pick-up day first (after it they are given back).

export async function mallWorkbench(deps: Deps, ctx: ActorContext, under: WorkbenchOrg | null = null) {
  const today = deps.clock.today();
  const waiting = await repo.waitingForWorkbench(deps.db, orgInScope(ctx.actor, 'mall.read'), under?.path ?? null, WORKBENCH_GROUP_ITEMS);
  const total = waiting[0]?.total ?? 0;
  const groups: WorkbenchGroup[] = [];
  if (total) {
    const rule = await ruleInForce<RedemptionRule>(deps.db, 'mall', 'redemption', today);
    groups.push({
      kind: 'waiting', label: '兑换待领取', level: 'info', count: total, source: rule.source, link: '/admin/mall?tab=redemptions',
      items: waiting.map((r) => ({
        title: `${r.person_name} · ${r.item_name} × ${r.quantity}`, detail: `最迟 ${r.pickup_by} 领取`, orgName: r.supplier_org_name, date: r.pickup_by,
        level: r.pickup_by <= today ? ('warning' as const) : ('info' as const), link: '/admin/mall?tab=redemptions',
      })),
    });
  }
  return { link: '/admin/mall', stats: [{ label: '待领取', value: total, unit: '笔', link: '/admin/mall?tab=redemptions' }], groups, empty: '没有待领取的兑换。' };
}

export function registerMallWorkbench() {
  registerWorkbenchSource({ key: 'mall', title: '积分商城', permission: 'mall.read', order: 55, load: mallWorkbench });
}
