import type { Deps } from '../../deps';
import { EDUCATIONS, OCCUPATIONS, ORG_TYPES, SEXES } from '../../../contracts/dict';
import { JOIN_PERIOD_UNKNOWN_LABEL, JOIN_PERIODS, type StatsCount } from '../../../contracts/member-stats';
import type { DashboardOrgRef, DashboardTileSource, SharedReads } from '../dashboard';
import { statsFromRollup } from './member.rollups';
import * as repo from './member.rollup.repo';

// The big screen's member tiles: 基本情况 and 党员结构, from the member rollups
// of the org's subtree (counts only; nobody named).

/** The screen's four age bands (issue 15) as unions of the statistics' bands. */
const SCREEN_AGE_BANDS: Array<{ label: string; keys: readonly string[] }> = [
  { label: '30岁及以下', keys: ['upto25', '26_30'] },
  { label: '31—45岁', keys: ['31_35', '36_40', '41_45'] },
  { label: '46—60岁', keys: ['46_50', '51_55', '56_60'] },
  { label: '61岁及以上', keys: ['61plus'] },
];

const n = (list: StatsCount[], key: string) => list.find((c) => c.key === key)?.n ?? 0;
const labelled = (list: StatsCount[], labels: Record<string, string>) => list.filter((c) => c.n > 0).map((c) => ({ label: labels[c.key] ?? c.key, values: [c.n] }));

/** The subtree's member rollup rows, read once per screen. */
function rollupOf(deps: Deps, org: DashboardOrgRef, shared: SharedReads) {
  return shared('member.rollup', () => repo.subtreeRollup(deps.db, org.id));
}

/** The subtree's member statistics, read once for the screen's member tiles (and the development tile). */
export function screenMemberStats(deps: Deps, org: DashboardOrgRef, today: string, shared: SharedReads) {
  return shared('member.stats', async () => statsFromRollup(await rollupOf(deps, org, shared), today));
}

/** Members on the roll of the subtree who joined the Party in the year (the join_month rollup): the year's admissions still on the roll. */
export async function screenJoinedInYear(deps: Deps, org: DashboardOrgRef, year: number, shared: SharedReads): Promise<number> {
  const rows = await rollupOf(deps, org, shared);
  return rows.filter((r) => r.dimension === 'join_month' && r.value.startsWith(`${year}-`)).reduce((a, r) => a + r.n, 0);
}

export const memberBasicsTile: DashboardTileSource = {
  key: 'basics', title: '基本情况', permission: 'member.read', order: 10,
  async load(deps, org, today, shared) {
    const s = await screenMemberStats(deps, org, today, shared);
    const orgs = s.orgsByType.filter((c) => c.key !== 'party_group').reduce((a, c) => a + c.n, 0);
    return {
      link: `/admin/members?orgId=${org.id}`,
      figures: [
        { label: '党员总数', value: s.members, unit: '名', link: `/admin/members?orgId=${org.id}` },
        { label: '正式党员', value: n(s.byStatus, 'full'), unit: '名', link: `/admin/members?orgId=${org.id}&status=full` },
        { label: '预备党员', value: n(s.byStatus, 'probationary'), unit: '名', link: `/admin/members?orgId=${org.id}&status=probationary` },
        { label: '发展对象', value: n(s.byStatus, 'candidate'), unit: '名', link: '/admin/development/candidates' },
        { label: '基层党组织', value: orgs, unit: '个', link: `/admin/orgs?id=${org.id}` },
      ],
      series: [{ key: 'orgs_by_type', title: '党组织类型', chart: 'bar', names: ['组织数'], points: labelled(s.orgsByType, ORG_TYPES), link: `/admin/orgs?id=${org.id}` }],
      note: null,
    };
  },
};

export const memberStructureTile: DashboardTileSource = {
  key: 'structure', title: '党员结构', permission: 'member.read', order: 20,
  async load(deps, org, today, shared) {
    const s = await screenMemberStats(deps, org, today, shared);
    const women = n(s.bySex, 'female');
    return {
      link: `/admin/orgs?id=${org.id}&tab=stats`,
      figures: [
        { label: '女党员', value: women, unit: '名', link: null },
        { label: '少数民族党员', value: s.ethnicity.minority, unit: '名', link: null },
        { label: '35岁及以下', value: ['upto25', '26_30', '31_35'].reduce((a, k) => a + n(s.byAgeBand, k), 0), unit: '名', link: null },
      ],
      series: [
        { key: 'sex', title: '性别', chart: 'pie', names: ['人数'], points: labelled(s.bySex, SEXES), link: null },
        { key: 'age', title: '年龄', chart: 'bar', names: ['人数'], points: SCREEN_AGE_BANDS.map((b) => ({ label: b.label, values: [b.keys.reduce((a, k) => a + n(s.byAgeBand, k), 0)] })), link: null },
        {
          key: 'join', title: '入党时间', chart: 'bar', names: ['人数'], link: null,
          points: s.byJoinPeriod.filter((c) => c.n > 0).map((c) => ({ label: JOIN_PERIODS.find((p) => p.key === c.key)?.label ?? JOIN_PERIOD_UNKNOWN_LABEL, values: [c.n] })),
        },
        { key: 'education', title: '学历', chart: 'pie', names: ['人数'], points: labelled(s.byEducation, EDUCATIONS), link: null },
        { key: 'occupation', title: '职业', chart: 'bar', names: ['人数'], points: labelled(s.byOccupation, OCCUPATIONS), link: null },
      ],
      note: `截至 ${today}`,
    };
  },
};
