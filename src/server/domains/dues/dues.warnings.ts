import type { Deps } from '../../deps';
import { unscoped } from '../../platform/scope';
import type { WarningDetector } from '../warning';
import { ruleFor } from './dues.bills';
import { addMonthsTo, monthOf } from './dues.policy';
import * as repo from './dues.repo';

// Dues arrears (RULES §2) as warnings: a member with unpaid bills for the
// rule's warning months in a row (yellow: 批评教育), or its action months (red:
// 组织处理) — one warning per member that rises from yellow to red.
const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;

export const duesWarningDetector: WarningDetector = {
  module: 'dues',
  kinds: { arrears: '连续未交党费' },
  async detect(deps: Deps, today: string) {
    const month = monthOf(today);
    const rule = await ruleFor(deps.db, month);
    const rows = await repo.arrears(deps.db, unscoped('the warning scan reads every member; the list scopes its reads'), null, month, rule.body.arrearsWarnMonths);
    return rows.map((r) => {
      const action = r.months >= rule.body.arrearsActionMonths;
      // the fact: the first day after the warning months went unpaid (today at the latest)
      const reached = `${addMonthsTo(r.since, rule.body.arrearsWarnMonths)}-01`;
      return {
        kind: 'arrears', subject: r.person_id, orgId: r.org_id, personId: r.person_id, title: r.name, level: action ? ('error' as const) : ('warning' as const),
        detail: `自 ${r.since} 起连续 ${r.months} 个月未交党费，欠交 ${yuan(r.owed_fen)}${action ? '，应按规定进行组织处理' : '，应及时批评教育'}`,
        source: rule.source, link: `/admin/dues/bills?status=unpaid&month=${r.since}&q=${encodeURIComponent(r.name)}`, dueOn: null,
        factOn: reached < today ? reached : today,
      };
    });
  },
};
