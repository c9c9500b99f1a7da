import type { Deps } from '../../deps';
import type { DetectedWarning, WarningDetector } from '../warning';
import * as repo from './need.repo';

// Needs as warnings, on the community: a need nobody claimed within the rule's
// hours (escalated by the job need.escalate) waits for the community to
// dispatch it by hand or to call the resident.

export const needWarningDetector: WarningDetector = {
  module: 'need',
  kinds: { unclaimed: '群众需求无人接单' },
  async detect(deps: Deps) {
    const out: DetectedWarning[] = [];
    for (const n of await repo.escalatedOpen(deps.db)) {
      out.push({
        kind: 'unclaimed', subject: n.id, orgId: n.community_org_id, title: n.title, level: 'warning', source: '群众需求精准推送规则（本平台约定）', link: `/admin/needs/${n.id}`, dueOn: null, factOn: n.published_on,
        detail: `${n.published_on} 发布，超过规定时间无人接单，请派单给合适的志愿者或联系群众`,
      });
    }
    return out;
  },
};
