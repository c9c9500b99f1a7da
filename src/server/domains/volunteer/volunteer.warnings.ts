import type { Deps } from '../../deps';
import { addDays } from '../../platform/dates';
import type { DetectedWarning, WarningDetector } from '../warning';
import * as repo from './volunteer.repo';

// Volunteer service as warnings, on the organiser org: an activity that ended
// more than ATTEST_WITHIN_DAYS days ago with volunteers still unattested (their
// hours, and a member's points, wait for the organiser's check-in and
// check-out), and an activity starting within two days with fewer than half of
// its places taken (call for volunteers, or scale it down).

const ATTEST_WITHIN_DAYS = 3;
const SOON_DAYS = 2;

export const volunteerWarningDetector: WarningDetector = {
  module: 'volunteer',
  kinds: { unattested: '志愿服务时长待认定', undersubscribed: '志愿服务活动报名不足' },
  async detect(deps: Deps, today: string) {
    const [unattested, thin] = await Promise.all([repo.unattestedBefore(deps.db, addDays(today, -ATTEST_WITHIN_DAYS)), repo.undersubscribedBy(deps.db, today, addDays(today, SOON_DAYS))]);
    const out: DetectedWarning[] = [];
    for (const a of unattested) {
      out.push({
        kind: 'unattested', subject: a.id, orgId: a.org_id, title: a.title, level: 'warning', source: null, link: `/admin/volunteer/${a.id}`, dueOn: null, factOn: a.ended_on,
        detail: `活动已于 ${a.ended_on} 结束，仍有 ${a.waiting} 名志愿者未认定服务时长，请登记签到签退或未到场`,
      });
    }
    for (const a of thin) {
      out.push({
        kind: 'undersubscribed', subject: a.id, orgId: a.org_id, title: a.title, level: 'info', source: null, link: `/admin/volunteer/${a.id}`, dueOn: a.starts_on, factOn: null,
        detail: `${a.starts_on} 开始，已报名 ${a.signed_up} 人，招募 ${a.capacity} 人`,
      });
    }
    return out;
  },
};
