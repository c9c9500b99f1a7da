import { MEETING_TYPES, type MeetingType } from '../../../contracts/meeting';
import type { DashboardTileSource } from '../dashboard';
import * as repo from './meeting.repo';

// The big screen's 组织生活 tile: meetings held this year by type and the
// attendance of the held meetings (net of approved leave), from the meeting
// rollups. Nothing counts online time or taps (RULES §8).

export const meetingTile: DashboardTileSource = {
  key: 'meetings', title: '组织生活', permission: 'meeting.read', order: 50,
  async load(deps, org, today) {
    const year = today.slice(0, 4);
    const rows = await repo.rollupSums(deps.db, org.id, `${year}-01-01`, `${today.slice(0, 7)}-01`);
    const held = rows.reduce((a, r) => a + r.held, 0);
    const expected = rows.reduce((a, r) => a + r.expected, 0);
    const present = rows.reduce((a, r) => a + r.present, 0);
    const types = (Object.keys(MEETING_TYPES) as MeetingType[]).filter((t) => t !== 'heart_talk');
    return {
      link: `/admin/meetings/compliance?orgId=${org.id}`,
      figures: [
        { label: '本年召开会议', value: held, unit: '次', link: `/admin/meetings?orgId=${org.id}` },
        { label: '出席率', value: expected > 0 ? Math.round((present / expected) * 1000) / 10 : 0, unit: '%', link: `/admin/meetings/compliance?orgId=${org.id}` },
      ],
      series: [{
        key: 'by_type', title: `${year}年各类会议召开次数`, chart: 'bar', names: ['次数'], link: `/admin/meetings/compliance?orgId=${org.id}`,
        points: types.map((t) => ({ label: MEETING_TYPES[t], values: [rows.find((r) => r.type === t)?.held ?? 0] })),
      }],
      note: '出席率 = 实到 ÷ 应到（已扣除批准请假）',
    };
  },
};
