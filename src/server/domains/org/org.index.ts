import { ruleInForce } from '../../platform/rules';
import { ratio, type IndexCalculator, type IndexFlag, type ItemFigure } from '../branch-index';
import type { SetupRule } from './org.policy';
import * as repo from './org.repo';

// The branch index's items about the branch's committee (issue 14): a
// committee where RULES §3 asks for one, with a secretary, and its term not
// overrun; the 换届 overdue deduction. A branch without a committee record
// (fewer than 7 full members) has no figure for these items (无数据).

export const orgIndexCalculators: IndexCalculator[] = [
  {
    key: 'committee.complete',
    async compute(q, orgs, w) {
      const rule = (await ruleInForce<SetupRule>(q, 'org', 'setup', w.asOf)).body;
      const committees = new Map((await repo.committeesOn(q, orgs.map((o) => o.id), w.asOf)).map((c) => [c.org_id, c]));
      const out = new Map<string, ItemFigure>();
      for (const o of orgs) {
        const c = committees.get(o.id);
        const needed = o.fullMembers >= rule.committeeFromFullMembers;
        if (!c && !needed) continue;
        out.set(o.id, ratio(c?.has_secretary ? 1 : 0, 1)!);
      }
      return out;
    },
    link: (o) => `/admin/orgs?id=${o.id}`,
  },
  {
    key: 'term.on_time',
    async compute(q, orgs, w) {
      const out = new Map<string, ItemFigure>();
      for (const c of await repo.committeesOn(q, orgs.map((o) => o.id), w.asOf)) out.set(c.org_id, ratio(c.term_ends_on >= w.asOf ? 1 : 0, 1)!);
      return out;
    },
    link: (o) => `/admin/orgs?id=${o.id}`,
  },
];

export const orgIndexFlags: IndexFlag[] = [
  {
    key: 'term.overdue',
    async compute(q, orgs, w) {
      const out = new Map<string, string>();
      for (const c of await repo.committeesOn(q, orgs.map((o) => o.id), w.asOf)) {
        if (c.term_ends_on < w.asOf) out.set(c.org_id, `支部委员会任期已于${c.term_ends_on}届满，尚未换届`);
      }
      return out;
    },
  },
];
