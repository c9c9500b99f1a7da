import type { PointSource } from '../points';
import * as repo from './meeting.repo';

/** Points for attending organisational life (issue 14): present at a meeting whose minutes are locked; 主题党日 is its own item. */
export const meetingPointSource: PointSource = {
  name: 'meeting.attended',
  async facts(q, from, to) {
    return (await repo.presentAtLockedMeetings(q, from, to)).map((a) => ({
      personId: a.person_id, orgId: a.org_id, orgPath: a.org_path, item: a.type === 'theme_day' ? ('meeting.theme_day' as const) : ('meeting.attended' as const),
      sourceType: 'meeting', sourceId: a.meeting_id, factDate: a.held_on, meetingType: a.type,
    }));
  },
};
