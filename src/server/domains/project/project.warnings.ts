import type { Deps } from '../../deps';
import { unscoped } from '../../platform/scope';
import type { DetectedWarning, WarningDetector } from '../warning';
import { projectStanding } from './project.policy';
import * as repo from './project.repo';
import { factsOfProjects, rulesFor } from './project.service';

// Key projects as warnings (issue 15): a milestone near its date (blue) or
// past it and not done (red), on the org responsible for it; a project behind
// its plan by yellowGap–redGap points (yellow) or more (red), and a project
// without a roadmap near or past its end, on the owner org. Thresholds: the
// rule version `project.warning` in force for the owner. Accepted projects
// raise none; a milestone done, a report that closes the gap, or an
// acceptance clears them at the next scan.

const EVERY_PROJECT = 1_000_000;

export const projectWarningDetector: WarningDetector = {
  module: 'project',
  kinds: {
    milestone_due: '项目节点临近期限',
    milestone_overdue: '项目节点逾期未完成',
    behind: '项目进度落后计划',
    project_due: '项目临近结束',
    project_overdue: '项目逾期未完成',
  },
  async detect(deps: Deps, today: string) {
    const rows = await repo.listProjects(deps.db, { visible: unscoped('the warning scan reads every project; the list scopes its reads'), status: 'active' }, EVERY_PROJECT);
    const { facts, milestonesBy } = await factsOfProjects(deps.db, rows);
    const rule = await rulesFor(deps.db, today);
    const out: DetectedWarning[] = [];
    for (const r of rows) {
      const version = rule(r.owner_path);
      const milestones = new Map((milestonesBy.get(r.id) ?? []).map((m) => [m.id, m]));
      for (const c of projectStanding(facts.get(r.id)!, version.body, today).conditions) {
        const m = c.milestoneId ? milestones.get(c.milestoneId) : undefined;
        out.push({
          kind: c.kind, subject: c.milestoneId ?? r.id, orgId: m?.responsible_org_id ?? r.owner_org_id, title: r.name, detail: c.detail, level: c.level,
          source: version.source, link: `/admin/projects/${r.id}`, dueOn: c.dueOn, factOn: c.factOn,
        });
      }
    }
    return out;
  },
};
