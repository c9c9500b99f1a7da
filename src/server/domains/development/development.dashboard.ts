import { PIPELINE_STATUSES } from '../../../contracts/dict';
import type { DashboardTileSource } from '../dashboard';
import { screenJoinedInYear, screenMemberStats } from '../member';
import * as repo from './development.repo';

// The big screen's 发展党员 tile: the pipeline by stage from the member
// rollups, and the year's 发展计划 (the org's own plan) against the year's
// admissions still on the roll (the join_month rollup). Counts only.

export const developmentPipelineTile: DashboardTileSource = {
  key: 'development', title: '发展党员', permission: 'development.read', order: 30,
  async load(deps, org, today, shared) {
    const year = Number(today.slice(0, 4));
    const [s, joined, planned] = await Promise.all([screenMemberStats(deps, org, today, shared), screenJoinedInYear(deps, org, year, shared), repo.plannedFor(deps.db, org.id, year)]);
    const count = (k: string) => s.byStatus.find((c) => c.key === k)?.n ?? 0;
    const stages: Array<{ label: string; values: number[] }> = (['applicant', 'activist', 'candidate'] as const).map((k) => ({ label: PIPELINE_STATUSES[k], values: [count(k)] }));
    stages.push({ label: '预备党员', values: [count('probationary')] });
    const plan = `/admin/development/plans?orgId=${org.id}`;
    return {
      link: '/admin/development',
      figures: [
        ...(planned === null ? [] : [{ label: `${year}年发展计划`, value: planned, unit: '名', link: plan }]),
        { label: `${year}年已发展`, value: joined, unit: '名', link: plan },
        { label: PIPELINE_STATUSES.candidate, value: count('candidate'), unit: '名', link: '/admin/development/candidates' },
        { label: '预备党员', value: count('probationary'), unit: '名', link: `/admin/members?orgId=${org.id}&status=probationary` },
      ],
      series: [{ key: 'pipeline', title: '发展梯队', chart: 'funnel', names: ['人数'], points: stages, link: '/admin/development' }],
      note: planned === null ? `${year}年未制定发展计划` : `完成计划 ${planned ? Math.round((joined / planned) * 1000) / 10 : 0}%`,
    };
  },
};
