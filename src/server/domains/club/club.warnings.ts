import type { Deps } from '../../deps';
import { ruleInForce } from '../../platform/rules';
import { addDays } from '../../platform/dates';
import type { DetectedWarning, WarningDetector } from '../warning';
import type { FoundingRule } from './club.service';
import * as repo from './club.repo';

// Clubs as warnings, on the community: an application to found a club left
// unreviewed past the rule's days (club.founding reviewWithinDays).

export const clubWarningDetector: WarningDetector = {
  module: 'club',
  kinds: { pending_review: '社团申请待审核' },
  async detect(deps: Deps, today: string) {
    const rule = (await ruleInForce<FoundingRule>(deps.db, 'club', 'founding', today)).body;
    const out: DetectedWarning[] = [];
    for (const c of await repo.pendingBefore(deps.db, addDays(today, -rule.reviewWithinDays))) {
      out.push({
        kind: 'pending_review', subject: c.id, orgId: c.community_org_id, title: c.name, level: 'warning', source: '社团审核时限（本平台约定）', link: `/admin/clubs/${c.id}`,
        dueOn: addDays(c.applied_on, rule.reviewWithinDays), factOn: c.applied_on, detail: `${c.applied_on} 申请成立，已超过${rule.reviewWithinDays}天未审核，请审核并告知申请人`,
      });
    }
    return out;
  },
};
