import { PROJECT_TYPES, type ProjectType } from '../../../contracts/project';
import type { DashboardTileSource } from '../dashboard';
import { projectStanding } from './project.policy';
import * as repo from './project.repo';
import { factsOfProjects, rulesFor } from './project.service';

// The big screen's 重点项目 tile: the subtree's projects by type, and those in
// progress by warning level (红 / 黄 / 蓝 / 正常) — names of projects and
// orgs only on the console, no person anywhere. Projects are counted in tens
// per county, so the levels are computed from the roadmaps and reports of the
// subtree's projects at read time (two indexed reads) rather than kept in a rollup.

export const projectTile: DashboardTileSource = {
  key: 'projects', title: '重点项目', permission: 'project.read', order: 70,
  async load(deps, org, today) {
    const rows = await repo.projectsUnder(deps.db, org.path);
    const { facts } = await factsOfProjects(deps.db, rows);
    const rule = await rulesFor(deps.db, today);
    const levels = { error: 0, warning: 0, info: 0, none: 0 };
    const byType: Record<ProjectType, number> = { secretary: 0, innovation: 0, major: 0 };
    let accepted = 0;
    for (const r of rows) {
      byType[r.type as ProjectType]++;
      if (r.status === 'accepted') {
        accepted++;
        continue;
      }
      levels[projectStanding(facts.get(r.id)!, rule(r.owner_path).body, today).level ?? 'none']++;
    }
    const list = (extra = '') => `/admin/projects?orgId=${org.id}${extra}`;
    return {
      link: list(),
      figures: [
        { label: '重点项目', value: rows.length, unit: '个', link: list() },
        { label: '推进中', value: rows.length - accepted, unit: '个', link: list('&status=active') },
        { label: '已验收', value: accepted, unit: '个', link: list('&status=accepted') },
        { label: '红色预警', value: levels.error, unit: '个', link: list('&level=error') },
        { label: '黄色预警', value: levels.warning, unit: '个', link: list('&level=warning') },
      ],
      series: [
        { key: 'by_type', title: '项目类型', chart: 'pie', names: ['项目数'], link: list(), points: (Object.keys(PROJECT_TYPES) as ProjectType[]).map((t) => ({ label: PROJECT_TYPES[t], values: [byType[t]] })) },
        {
          key: 'by_level', title: '推进中项目预警', chart: 'bar', names: ['项目数'], link: list('&status=active'),
          points: [
            { label: '红色', values: [levels.error] },
            { label: '黄色', values: [levels.warning] },
            { label: '蓝色', values: [levels.info] },
            { label: '正常', values: [levels.none] },
          ],
        },
      ],
      note: `截至 ${today}；计划进度按路线图节点日期与权重计算`,
    };
  },
};
