import type { PointSource } from '../points';
import * as repo from './dues.repo';

/** Points for paying dues on time (issue 14): a bill paid in full by the end of its month. */
export const duesPointSource: PointSource = {
  name: 'dues.on_time',
  async facts(q, from, to) {
    return (await repo.billsPaidOnTime(q, from, to)).map((b) => ({
      personId: b.person_id, orgId: b.org_id, orgPath: b.org_path, item: 'dues.on_time' as const, sourceType: 'dues_bill', sourceId: b.id, factDate: b.paid_on,
    }));
  },
};
