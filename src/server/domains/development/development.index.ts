import { ratio, type IndexCalculator, type ItemFigure } from '../branch-index';
import * as repo from './development.repo';

// The branch index's development item (issue 14): the share of the branch's
// open development files with no deadline overrun. Deadlines are kept as they
// stand today, so the item has a figure only for the period running now; past
// periods show 无数据 for it rather than today's state passed off as then.

export const developmentIndexCalculators: IndexCalculator[] = [
  {
    key: 'development.on_time',
    async compute(q, orgs, w) {
      const out = new Map<string, ItemFigure>();
      if (!w.current) return out;
      for (const r of await repo.overdueFiles(q, orgs.map((o) => o.id), w.asOf)) {
        const f = ratio(r.open - r.overdue, r.open);
        if (f) out.set(r.org_id, f);
      }
      return out;
    },
    link: (o) => `/admin/development/candidates?orgId=${o.id}`,
  },
];
