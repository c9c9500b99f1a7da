import type { Deps } from '../../deps';
import { addDays } from '../../platform/dates';
import { ruleInForce } from '../../platform/rules';
import type { DetectedWarning, WarningDetector } from '../warning';
import type { RedemptionRule } from './mall.service';
import * as repo from './mall.repo';

// The mall as warnings, on the supplier org: an item on sale with nothing left
// (restock or withdraw it), and redemptions whose pick-up day is within two
// days (remind the members; the daily job gives back what is not picked up).

const DUE_AHEAD_DAYS = 2;

export const mallWarningDetector: WarningDetector = {
  module: 'mall',
  kinds: { sold_out: '积分商城商品已兑完', pickups_due: '兑换即将逾期未领' },
  async detect(deps: Deps, today: string) {
    const rule = await ruleInForce<RedemptionRule>(deps.db, 'mall', 'redemption', today);
    const [soldOut, due] = await Promise.all([repo.soldOutItems(deps.db, today), repo.pickupsDue(deps.db, addDays(today, DUE_AHEAD_DAYS))]);
    const out: DetectedWarning[] = [];
    for (const i of soldOut) {
      out.push({
        kind: 'sold_out', subject: i.id, orgId: i.supplier_org_id, title: i.name, level: 'warning', source: null, link: '/admin/mall', dueOn: null, factOn: null,
        detail: i.reserved > 0 ? `已兑完（另有 ${i.reserved} 件待领取），请补货或下架` : '已兑完，请补货或下架',
      });
    }
    for (const i of due) {
      out.push({
        kind: 'pickups_due', subject: i.id, orgId: i.supplier_org_id, title: i.name, level: 'info', source: rule.source, link: '/admin/mall?tab=redemptions', dueOn: i.first_due, factOn: null,
        detail: `${i.n} 笔兑换最迟 ${i.first_due} 须领取，逾期将自动取消并退回积分，请提醒兑换人`,
      });
    }
    return out;
  },
};
