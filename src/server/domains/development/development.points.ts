import type { PointSource } from '../points';
import * as repo from './development.repo';

/**
 * Points for the 培养联系人 (issue 14): each 培养教育考察 recorded for an
 * activist (step 6) is a duty done by the contacts appointed for the file at
 * the time; each earns the item once per record, under the rules of the
 * branch the contact belongs to.
 */
export const developmentPointSource: PointSource = {
  name: 'development.contact_duty',
  async facts(q, from, to) {
    return (await repo.contactDuties(q, from, to)).map((d) => ({
      personId: d.person_id, orgId: d.org_id, orgPath: d.org_path, item: 'development.contact_duty' as const,
      sourceType: 'dev_step', sourceId: d.step_id, factDate: d.step_date,
    }));
  },
};
