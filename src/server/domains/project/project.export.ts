import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { audit } from '../../platform/audit';
import { loadExcel, printSheet } from '../../platform/excel';
import { findOrgInScope, orgInScope } from '../../platform/scope';
import { PROJECT_GRADES, PROJECT_LEVELS, PROJECT_STATUSES, PROJECT_TYPES, type ExportProjectsQuery } from '../../../contracts/project';
import { milestonePercentAt, milestoneState } from './project.policy';
import { MILESTONE_STATES } from '../../../contracts/project';
import { projectsForExport, rulesFor } from './project.service';

// The list of key projects as a printable workbook: 项目清单 (one row per
// project: where it stands on the business day, its warning, its acceptance)
// and 路线图 (one row per milestone, with the branch and member responsible).

export async function exportProjects(deps: Deps, ctx: ActorContext, query: ExportProjectsQuery): Promise<{ data: Buffer; fileName: string }> {
  const { today, items, milestonesBy } = await projectsForExport(deps, ctx, query);
  const org = query.orgId ? await findOrgInScope(deps.db, query.orgId, orgInScope(ctx.actor, 'project.read')) : null;
  const rule = await rulesFor(deps.db, today);
  const scopeName = org?.name ?? '管理范围内';
  const filters = [query.type ? PROJECT_TYPES[query.type] : null, query.status ? PROJECT_STATUSES[query.status] : null, query.level ? PROJECT_LEVELS[query.level] : null, query.q ? `名称含“${query.q}”` : null].filter(Boolean).join('、');
  const wb = new (await loadExcel()).Workbook();
  const list = printSheet(wb, {
    name: '项目清单', title: '重点项目清单', caption: [scopeName, filters || '全部项目', `截至 ${today}`],
    columns: ['序号', '项目名称', '类型', '牵头组织', '负责人', '开始日期', '结束日期', '状态', '节点（完成/总数）', '计划进度（%）', '实际进度（%）', '落后（百分点）', '预警', '预警原因', '验收日期', '考评等次'],
    frozenColumns: 2,
  });
  items.forEach((x, i) => {
    const it = x.item;
    list.add([
      i + 1, it.name, PROJECT_TYPES[it.type], it.ownerOrgName, it.ownerPersonName, it.startOn, it.endOn, PROJECT_STATUSES[it.status], `${it.milestonesDone}/${it.milestones}`,
      it.planned, it.actual, it.gap, PROJECT_LEVELS[it.level ?? 'none'], it.reasons.join('；'), it.acceptedOn ?? '', it.grade ? PROJECT_GRADES[it.grade] : '',
    ]);
  });
  list.note([`共 ${items.length} 个项目；计划进度按路线图各节点的日期和权重线性计算，实际进度为各节点最近一次登记的完成比例按权重合计。`]);
  list.finish();

  const roadmap = printSheet(wb, {
    name: '路线图', title: '重点项目路线图', caption: [scopeName, `截至 ${today}`],
    columns: ['项目名称', '序号', '节点', '计划完成日期', '权重', '责任组织', '责任人', '完成日期', '完成比例（%）', '状态'],
    frozenColumns: 1,
  });
  let rows = 0;
  for (const x of items) {
    const body = rule(x.row.owner_path).body;
    for (const m of milestonesBy.get(x.row.id) ?? []) {
      const mf = x.facts.milestones.find((f) => f.id === m.id)!;
      roadmap.add([x.row.name, m.seq, m.title, m.due_on, m.weight, m.responsible_org_name, m.responsible_person_name ?? '', m.done_on ?? '', milestonePercentAt(mf, today), MILESTONE_STATES[milestoneState(mf, today, body)]]);
      rows++;
    }
  }
  roadmap.note([`共 ${rows} 个节点`]);
  roadmap.finish();

  await audit(deps.db, ctx, { action: 'project.export', objectType: 'org', objectId: org?.id ?? null, orgId: org?.id ?? null, detail: { rows: items.length, type: query.type ?? null, status: query.status ?? null, level: query.level ?? null, q: query.q ?? null } });
  return { data: Buffer.from(await wb.xlsx.writeBuffer()), fileName: `重点项目-${scopeName}-${today}.xlsx` };
}
