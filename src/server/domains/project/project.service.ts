import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { Queryable } from '../../platform/db';
import type { ActorContext } from '../../platform/actor';
import { can, grantsWith } from '../../platform/actor';
import { AppError, conflict, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { detectAllowedType, safeFileName } from '../../platform/files';
import { pickRule, ruleInForce, rulesInForce, type RuleVersion } from '../../platform/rules';
import { covers, findOrgInScope, orgInScope, personInScope } from '../../platform/scope';
import { and, type Sql } from '../../platform/sql';
import type { Permission } from '../../../contracts/permissions';
import type {
  AcceptProjectBody, CreateProjectBody, ListProjectsQuery, MilestoneInput, ProjectDetail, ProjectListItem, ProjectPage, ProjectWarningRule, RecordProgressBody,
  SaveMilestonesBody, UpdateProjectBody, ProjectMarker, ProjectType,
} from '../../../contracts/project';
import { actualAt, milestonePercentAt, milestonePlannedAt, milestoneState, planLine, projectStanding, type ProjectFacts, type Standing } from './project.policy';
import * as repo from './project.repo';

// 重点项目 (issue 15): a project of an org with its roadmap, progress reports
// with evidence, and the superior's acceptance. Every write locks the project
// row, checks the caller's reach over the orgs concerned and writes its audit
// row in the same transaction. Where a project stands (planned, reported, the
// gap, the warning level) is computed from the facts by project.policy under
// the rule version `project.warning` in force on the business day.

/** Reads at most this many projects for one list (the level is computed per project, then filtered and paged). */
const LIST_LIMIT = 2000;

export function ruleFor(q: Queryable, date: string, ownerPath: string | null): Promise<RuleVersion<ProjectWarningRule>> {
  return ruleInForce<ProjectWarningRule>(q, 'project', 'warning', date, ownerPath);
}

/** Every version of the rule in force today with its scope, for many projects at once (pickRule per owner). */
export async function rulesFor(q: Queryable, date: string) {
  const versions = await rulesInForce<ProjectWarningRule>(q, 'project', 'warning', date);
  return (ownerPath: string) => {
    const v = pickRule(versions, ownerPath);
    if (!v) throw new Error(`no rule project.warning in force on ${date}`);
    return v;
  };
}

/** The projects the caller sees for a permission: its scope over the owner org or over a milestone's responsible org. */
export function visibleTo(ctx: ActorContext, permission: Permission = 'project.read'): Sql {
  return repo.projectVisible(orgInScope(ctx.actor, permission, 'o'), orgInScope(ctx.actor, permission, 'mo'));
}

const ownerOf = (r: repo.ProjectRow) => ({ id: r.owner_org_id, path: r.owner_path });
const userError = (message: string, field?: string) => new AppError('VALIDATION_FAILED', message, field ? { issues: [{ field, message }] } : undefined);

/** May the caller change the project (its fields, its roadmap): project.manage over the owner org. */
function mayEdit(ctx: ActorContext, r: repo.ProjectRow): boolean {
  return covers(ctx.actor, 'project.manage', ownerOf(r));
}

/** May the caller report on this milestone: project.manage over the owner org, or over the milestone's responsible org. */
function mayRecord(ctx: ActorContext, r: repo.ProjectRow, m: Pick<repo.MilestoneRow, 'responsible_org_id' | 'responsible_path'> | null): boolean {
  if (mayEdit(ctx, r)) return true;
  return !!m && covers(ctx.actor, 'project.manage', { id: m.responsible_org_id, path: m.responsible_path });
}

/**
 * The org from which the caller accepts the project: a grant of project.accept
 * over the owner org's parent (a superior, never the owner itself); for a
 * project of a top-level org, an installation-wide grant. Null: not a superior.
 */
function acceptingOrg(ctx: ActorContext, r: repo.ProjectRow): { id: string | null } | null {
  const grants = grantsWith(ctx.actor, 'project.accept');
  if (grants.some((g) => g.orgId === null)) return { id: null };
  if (!r.parent_id || !r.parent_path) return null;
  if (!covers(ctx.actor, 'project.accept', { id: r.parent_id, path: r.parent_path })) return null;
  const covering = grants
    .filter((g) => g.orgId && g.orgPath && (g.orgId === r.parent_id || (g.scope === 'subtree' && (r.parent_path === g.orgPath || r.parent_path!.startsWith(`${g.orgPath}.`)))))
    .sort((a, b) => b.orgPath!.length - a.orgPath!.length);
  return { id: covering[0]?.orgId ?? null };
}

/** The facts of projects (roadmaps and reports) by project id. */
export async function factsOfProjects(q: Queryable, rows: readonly Pick<repo.ProjectRow, 'id' | 'start_on' | 'end_on' | 'status'>[]) {
  const ids = rows.map((r) => r.id);
  const [milestones, reports] = await Promise.all([repo.milestonesOf(q, ids), repo.reportFactsOf(q, ids)]);
  const byMilestone = new Map<string, Array<{ on: string; percent: number }>>();
  const byProject = new Map<string, Array<{ on: string; percent: number }>>();
  for (const r of reports) {
    const bucket = r.milestone_id ? byMilestone : byProject;
    const key = r.milestone_id ?? r.project_id;
    if (!bucket.has(key)) bucket.set(key, []);
    bucket.get(key)!.push({ on: r.reported_on, percent: r.percent });
  }
  const milestonesBy = new Map<string, repo.MilestoneRow[]>();
  for (const m of milestones) {
    if (!milestonesBy.has(m.project_id)) milestonesBy.set(m.project_id, []);
    milestonesBy.get(m.project_id)!.push(m);
  }
  const facts = new Map<string, ProjectFacts>();
  for (const r of rows) {
    facts.set(r.id, {
      startOn: r.start_on, endOn: r.end_on, status: r.status,
      milestones: (milestonesBy.get(r.id) ?? []).map((m) => ({ id: m.id, seq: m.seq, title: m.title, dueOn: m.due_on, weight: m.weight, doneOn: m.done_on, reports: byMilestone.get(m.id) ?? [] })),
      projectReports: byProject.get(r.id) ?? [],
    });
  }
  return { facts, milestonesBy };
}

function listItem(r: repo.ProjectRow, f: ProjectFacts, s: Standing, today: string): ProjectListItem {
  const open = [...f.milestones].filter((m) => !(m.doneOn && m.doneOn <= today)).sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.seq - b.seq));
  return {
    id: r.id, type: r.type, name: r.name, status: r.status, ownerOrgId: r.owner_org_id, ownerOrgName: r.owner_org_name, ownerPersonName: r.owner_person_name,
    startOn: r.start_on, endOn: r.end_on, milestones: f.milestones.length, milestonesDone: f.milestones.length - open.length,
    nextMilestone: open[0] ? { title: open[0].title, dueOn: open[0].dueOn } : null,
    acceptedOn: r.accepted_on, grade: r.accept_grade,
    planned: s.planned, actual: s.actual, gap: s.gap, level: s.level, reasons: s.conditions.map((c) => c.detail),
  };
}

/** The projects matching the filter with where each stands today (not yet filtered by level). */
async function standings(deps: Deps, filter: repo.ProjectFilter, limit = LIST_LIMIT) {
  const today = deps.clock.today();
  const rows = await repo.listProjects(deps.db, filter, limit);
  const { facts, milestonesBy } = await factsOfProjects(deps.db, rows);
  const rule = await rulesFor(deps.db, today);
  return {
    today,
    milestonesBy,
    items: rows.map((r) => {
      const f = facts.get(r.id)!;
      const s = projectStanding(f, rule(r.owner_path).body, today);
      return { row: r, facts: f, standing: s, item: listItem(r, f, s, today) };
    }),
  };
}

async function narrowTo(deps: Deps, ctx: ActorContext, orgId: string | undefined): Promise<string | null> {
  if (!orgId) return null;
  const org = await findOrgInScope(deps.db, orgId, orgInScope(ctx.actor, 'project.read'));
  if (!org) throw notFound();
  return org.path;
}

export async function listProjects(deps: Deps, ctx: ActorContext, query: ListProjectsQuery): Promise<ProjectPage> {
  const under = await narrowTo(deps, ctx, query.orgId);
  const { today, items } = await standings(deps, { visible: visibleTo(ctx), under, type: query.type, status: query.status, q: query.q || undefined });
  const counts = { error: 0, warning: 0, info: 0, none: 0 };
  for (const x of items) counts[x.standing.level ?? 'none']++;
  const matching = query.level ? items.filter((x) => (x.standing.level ?? 'none') === query.level) : items;
  const start = (query.page - 1) * query.pageSize;
  return { items: matching.slice(start, start + query.pageSize).map((x) => x.item), total: matching.length, page: query.page, pageSize: query.pageSize, counts, asOf: today };
}

export async function getProject(deps: Deps, ctx: ActorContext, id: string): Promise<ProjectDetail> {
  const today = deps.clock.today();
  const r = await repo.findProject(deps.db, id, visibleTo(ctx));
  if (!r) throw notFound();
  const [{ facts, milestonesBy }, reports, rule] = await Promise.all([factsOfProjects(deps.db, [r]), repo.reportsOf(deps.db, id), ruleFor(deps.db, today, r.owner_path)]);
  const f = facts.get(id)!;
  const s = projectStanding(f, rule.body, today);
  const milestones = milestonesBy.get(id) ?? [];
  const files = new Map((await repo.projectFiles(deps.db, id, [...new Set(reports.flatMap((x) => x.evidence_ids))])).map((x) => [x.id, x]));
  const titles = new Map(milestones.map((m) => [m.id, m.title]));
  const reportCount = new Map<string, number>();
  for (const x of reports) if (x.milestone_id) reportCount.set(x.milestone_id, (reportCount.get(x.milestone_id) ?? 0) + 1);
  const active = r.status === 'active';
  return {
    ...listItem(r, f, s, today),
    rationale: r.rationale, goals: r.goals, ownerOrgPath: r.owner_path, ownerPersonId: r.owner_person_id,
    createdBy: r.created_by_name ?? '—', createdAt: new Date(r.created_at).toISOString(),
    acceptance: r.accepted_on && r.accept_grade ? {
      acceptedOn: r.accepted_on, grade: r.accept_grade, score: r.accept_score ?? 0, opinion: r.accept_opinion ?? '', byOrgName: r.accept_org_name ?? '本系统', by: r.accepted_by_name ?? '—',
    } : null,
    roadmap: milestones.map((m) => {
      const mf = f.milestones.find((x) => x.id === m.id)!;
      return {
        id: m.id, seq: m.seq, title: m.title, dueOn: m.due_on, weight: m.weight, responsibleOrgId: m.responsible_org_id, responsibleOrgName: m.responsible_org_name,
        responsiblePersonId: m.responsible_person_id, responsiblePersonName: m.responsible_person_name, doneOn: m.done_on,
        percent: milestonePercentAt(mf, today), planned: Math.round(milestonePlannedAt(f, m.id, today) * 10) / 10, state: milestoneState(mf, today, rule.body),
        reports: reportCount.get(m.id) ?? 0, canRecord: active && !m.done_on && mayRecord(ctx, r, m),
      };
    }),
    plan: planLine(f),
    reports: reports.map((x) => ({
      id: x.id, milestoneId: x.milestone_id, milestoneTitle: x.milestone_id ? (titles.get(x.milestone_id) ?? '（已删除的节点）') : null, reportedOn: x.reported_on, percent: x.percent, note: x.note,
      evidence: x.evidence_ids.flatMap((e) => (files.has(e) ? [{ id: e, fileName: files.get(e)!.file_name, mime: files.get(e)!.mime }] : [])),
      reportedBy: x.reported_by_name, recordedAt: new Date(x.recorded_at).toISOString(),
    })),
    rule: { ...rule.body, source: rule.source },
    can: {
      edit: active && mayEdit(ctx, r),
      record: active && (mayEdit(ctx, r) ? true : milestones.some((m) => !m.done_on && mayRecord(ctx, r, m))),
      accept: active && can(ctx.actor, 'project.accept') && acceptingOrg(ctx, r) !== null,
    },
    version: r.version,
  };
}

/** The owner (project leader) or a milestone's responsible person: a current member of that org's subtree the caller may see. */
async function checkPerson(q: Queryable, ctx: ActorContext, personId: string, orgPath: string, field: string, message: string) {
  const p = await repo.findCurrentPerson(q, personId, and([personInScope(ctx.actor, 'project.manage'), repo.orgUnder(orgPath)]));
  if (!p) throw userError(message, field);
  return p;
}

/**
 * Writes the roadmap: existing milestones kept (and changed), new ones added,
 * missing ones taken off (only those without reports). Each responsible org
 * lies in the owner's subtree and in the caller's scope.
 */
async function writeMilestones(t: Queryable, ctx: ActorContext, project: { id: string; ownerPath: string; startOn: string; endOn: string }, list: readonly MilestoneInput[]) {
  const existing = new Map((await repo.milestonesOf(t, [project.id])).map((m) => [m.id, m]));
  const withReports = await repo.milestonesWithReports(t, project.id);
  const orgScope = and([orgInScope(ctx.actor, 'project.manage'), repo.orgUnder(project.ownerPath)]);
  const seen = new Set<string>();
  const checked: Array<MilestoneInput & { responsiblePersonId: string | null }> = [];
  for (const [i, m] of list.entries()) {
    if (m.id && (!existing.has(m.id) || seen.has(m.id))) throw userError('该节点不属于本项目，请刷新后重试', `milestones.${i}.id`);
    if (m.id) seen.add(m.id);
    if (m.dueOn < project.startOn || m.dueOn > project.endOn) throw userError(`节点计划完成日期应在项目起止日期（${project.startOn} 至 ${project.endOn}）之内`, `milestones.${i}.dueOn`);
    const org = await repo.findOrg(t, m.responsibleOrgId, orgScope);
    if (!org) throw userError('责任组织须为牵头组织或其下级组织', `milestones.${i}.responsibleOrgId`);
    if (org.dissolved_on) throw userError('责任组织已撤销，请另选', `milestones.${i}.responsibleOrgId`);
    if (m.responsiblePersonId) await checkPerson(t, ctx, m.responsiblePersonId, org.path, `milestones.${i}.responsiblePersonId`, '责任人须为责任组织（含下级组织）的在册党员');
    checked.push({ ...m, responsiblePersonId: m.responsiblePersonId ?? null });
  }
  const removed = [...existing.keys()].filter((id) => !seen.has(id));
  const blocked = removed.find((id) => withReports.has(id));
  if (blocked) throw new AppError('PROJECT_RULE', `节点「${existing.get(blocked)!.title}」已有进展记录，不能删除；可修改其名称、日期或责任组织`);
  await repo.removeMilestones(t, project.id, removed);
  for (const [i, m] of checked.entries()) {
    const v = { seq: i + 1, title: m.title, dueOn: m.dueOn, weight: m.weight, responsibleOrgId: m.responsibleOrgId, responsiblePersonId: m.responsiblePersonId };
    if (m.id) await repo.updateMilestone(t, m.id, v);
    else await repo.insertMilestone(t, project.id, v);
  }
  return { kept: seen.size, added: checked.length - seen.size, removed: removed.length };
}

export async function createProject(deps: Deps, ctx: ActorContext, body: CreateProjectBody): Promise<string> {
  return deps.db.tx(async (t) => {
    const owner = await repo.findOrg(t, body.ownerOrgId, orgInScope(ctx.actor, 'project.manage'));
    if (!owner) throw notFound();
    if (owner.dissolved_on) throw new AppError('ORG_DISSOLVED', '牵头组织已撤销，不能立项');
    await checkPerson(t, ctx, body.ownerPersonId, owner.path, 'ownerPersonId', '项目负责人须为牵头组织（含下级组织）的在册党员');
    const id = await repo.insertProject(t, {
      ownerOrgId: owner.id, ownerPersonId: body.ownerPersonId, type: body.type, name: body.name, rationale: body.rationale, goals: body.goals,
      startOn: body.startOn, endOn: body.endOn, regionKey: owner.region_key, createdBy: ctx.actor.accountId,
    });
    const roadmap = body.milestones?.length ? await writeMilestones(t, ctx, { id, ownerPath: owner.path, startOn: body.startOn, endOn: body.endOn }, body.milestones) : null;
    await auditInTx(t, ctx, { action: 'project.create', objectType: 'project', objectId: id, orgId: owner.id, detail: { type: body.type, name: body.name, milestones: roadmap?.added ?? 0 } });
    return id;
  });
}

/** The project locked for a change by the caller (visible, or not found), at the version the page shows. */
async function lockForChange(t: Queryable, ctx: ActorContext, id: string, version: number | null) {
  const r = await repo.findProject(t, id, visibleTo(ctx), true);
  if (!r) throw notFound();
  if (version !== null && r.version !== version) throw conflict();
  return r;
}

function requireEditable(ctx: ActorContext, r: repo.ProjectRow) {
  if (!mayEdit(ctx, r)) throw new AppError('FORBIDDEN', '只有牵头组织及其上级党组织可以修改项目和路线图');
  if (r.status !== 'active') throw new AppError('PROJECT_STATE', '项目已验收，不能再修改');
}

export async function updateProject(deps: Deps, ctx: ActorContext, id: string, body: UpdateProjectBody) {
  await deps.db.tx(async (t) => {
    const r = await lockForChange(t, ctx, id, body.version);
    requireEditable(ctx, r);
    await checkPerson(t, ctx, body.ownerPersonId, r.owner_path, 'ownerPersonId', '项目负责人须为牵头组织（含下级组织）的在册党员');
    const outside = (await repo.milestonesOf(t, [id])).find((m) => m.due_on < body.startOn || m.due_on > body.endOn);
    if (outside) throw userError(`节点「${outside.title}」的计划完成日期（${outside.due_on}）不在新的起止日期之内，请先调整路线图`, outside.due_on < body.startOn ? 'startOn' : 'endOn');
    if (!(await repo.updateProject(t, id, r.version, body))) throw conflict();
    const changed = (['type', 'name', 'rationale', 'goals', 'startOn', 'endOn', 'ownerPersonId'] as const).filter((k) => {
      const before = { type: r.type, name: r.name, rationale: r.rationale, goals: r.goals, startOn: r.start_on, endOn: r.end_on, ownerPersonId: r.owner_person_id }[k];
      return before !== body[k];
    });
    await auditInTx(t, ctx, { action: 'project.update', objectType: 'project', objectId: id, orgId: r.owner_org_id, detail: { fields: changed } });
  });
}

export async function saveMilestones(deps: Deps, ctx: ActorContext, id: string, body: SaveMilestonesBody) {
  await deps.db.tx(async (t) => {
    const r = await lockForChange(t, ctx, id, body.version);
    requireEditable(ctx, r);
    const result = await writeMilestones(t, ctx, { id, ownerPath: r.owner_path, startOn: r.start_on, endOn: r.end_on }, body.milestones);
    if (!(await repo.bumpVersion(t, id, r.version))) throw conflict();
    await auditInTx(t, ctx, { action: 'project.roadmap', objectType: 'project', objectId: id, orgId: r.owner_org_id, detail: result });
  });
}

export async function recordProgress(deps: Deps, ctx: ActorContext, id: string, body: RecordProgressBody): Promise<string> {
  const today = deps.clock.today();
  return deps.db.tx(async (t) => {
    const r = await lockForChange(t, ctx, id, null);
    const milestones = await repo.milestonesOf(t, [id]);
    const m = body.milestoneId ? milestones.find((x) => x.id === body.milestoneId) : null;
    if (body.milestoneId && !m) throw userError('该节点不属于本项目，请刷新后重试', 'milestoneId');
    if (!m && milestones.length) throw userError('该项目已制定路线图，请选择本次进展所属的节点', 'milestoneId');
    if (!mayRecord(ctx, r, m ?? null)) throw new AppError('FORBIDDEN', '只有牵头组织或该节点的责任组织可以登记进展');
    if (r.status !== 'active') throw new AppError('PROJECT_STATE', '项目已验收，不能再登记进展');
    if (m?.done_on) throw new AppError('PROJECT_RULE', `节点「${m.title}」已于 ${m.done_on} 完成，不能再登记进展`);
    if (body.reportedOn > today) throw userError('进展日期不能晚于今天', 'reportedOn');
    if (body.reportedOn < r.start_on) throw userError(`进展日期不能早于项目开始日期（${r.start_on}）`, 'reportedOn');
    const evidence = [...new Set(body.evidenceIds)];
    if ((await repo.projectFiles(t, id, evidence)).length !== evidence.length) throw userError('佐证材料不存在或不属于本项目，请重新上传', 'evidenceIds');
    const orgId = mayEdit(ctx, r) ? r.owner_org_id : m!.responsible_org_id;
    const progressId = await repo.insertProgress(t, { projectId: id, milestoneId: m?.id ?? null, reportedOn: body.reportedOn, percent: body.percent, note: body.note, evidenceIds: evidence, orgId, by: ctx.actor.accountId });
    if (m && body.percent === 100) await repo.setMilestoneDone(t, m.id, body.reportedOn);
    await auditInTx(t, ctx, { action: 'project.progress', objectType: 'project', objectId: id, orgId, detail: { milestoneId: m?.id ?? null, percent: body.percent, on: body.reportedOn, files: evidence.length } });
    return progressId;
  });
}

export async function acceptProject(deps: Deps, ctx: ActorContext, id: string, body: AcceptProjectBody) {
  const today = deps.clock.today();
  await deps.db.tx(async (t) => {
    const r = await lockForChange(t, ctx, id, body.version);
    const by = acceptingOrg(ctx, r);
    if (!by) throw new AppError('FORBIDDEN', '重点项目须由牵头组织的上级党组织验收，牵头组织不能验收本组织的项目');
    if (r.status !== 'active') throw new AppError('PROJECT_STATE', '项目已验收');
    if (body.acceptedOn > today) throw userError('验收日期不能晚于今天', 'acceptedOn');
    if (body.acceptedOn < r.start_on) throw userError(`验收日期不能早于项目开始日期（${r.start_on}）`, 'acceptedOn');
    if (body.grade !== 'unqualified') {
      const { facts } = await factsOfProjects(t, [r]);
      const actual = actualAt(facts.get(id)!, today);
      if (actual < 100) throw new AppError('PROJECT_RULE', `项目尚未全部完成（实际进度 ${Math.round(actual * 10) / 10}%），不能验收为合格及以上；可评为“不合格（限期整改）”并提出整改意见`);
    }
    const status = body.grade === 'unqualified' ? 'active' : 'accepted';
    if (!(await repo.acceptProject(t, id, r.version, { status, acceptedOn: body.acceptedOn, grade: body.grade, score: body.score, opinion: body.opinion, orgId: by.id, by: ctx.actor.accountId }))) throw conflict();
    await auditInTx(t, ctx, { action: 'project.accept', objectType: 'project', objectId: id, orgId: r.owner_org_id, detail: { status, grade: body.grade, on: body.acceptedOn } });
  });
}

type UploadRequest = { file(opts: { limits: { fileSize: number; files: number } }): Promise<{ filename: string; toBuffer(): Promise<Buffer>; file: { truncated: boolean } } | undefined> };

/** Evidence for a progress report: stored on the project (owner org's scope), offered by whoever may report on it. */
export async function uploadProjectFile(deps: Deps, ctx: ActorContext, id: string, req: UploadRequest) {
  const check = async (t: Queryable) => {
    const r = await repo.findProject(t, id, visibleTo(ctx), true);
    if (!r) throw notFound();
    const milestones = await repo.milestonesOf(t, [id]);
    if (!mayEdit(ctx, r) && !milestones.some((m) => mayRecord(ctx, r, m))) throw new AppError('FORBIDDEN', '只有牵头组织或节点的责任组织可以上传佐证材料');
    if (r.status !== 'active') throw new AppError('PROJECT_STATE', '项目已验收，不能再上传佐证材料');
    return r;
  };
  await deps.db.tx(check);
  const file = await req.file({ limits: { fileSize: deps.config.fileMaxBytes, files: 1 } });
  if (!file) throw new AppError('VALIDATION_FAILED', '请选择文件');
  const data = await file.toBuffer();
  if (file.file.truncated) throw new AppError('FILE_TOO_LARGE', `文件不能超过 ${Math.round(deps.config.fileMaxBytes / 1024 / 1024)} MB`);
  const mime = await detectAllowedType(data);
  const name = safeFileName(file.filename, 'file');
  const key = await deps.files.put(data);
  try {
    return await deps.db.tx(async (t) => {
      const r = await check(t);
      const row = await repo.insertProjectFile(t, { projectId: id, orgId: r.owner_org_id, fileName: name, mime, sizeBytes: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex'), storageKey: key, createdBy: ctx.actor.accountId });
      await auditInTx(t, ctx, { action: 'project.file_upload', objectType: 'project', objectId: id, orgId: r.owner_org_id, detail: { fileId: row.id, size: data.length, mime } });
      return { id: row.id, fileName: name, mime, sizeBytes: data.length, createdAt: new Date(row.created_at).toISOString() };
    });
  } catch (e) {
    await deps.files.remove(key);
    throw e;
  }
}

/** A file of a project, for whoever sees the project. */
export async function projectFile(deps: Deps, ctx: ActorContext, id: string, fileId: string) {
  const r = await repo.findProject(deps.db, id, visibleTo(ctx));
  if (!r) throw notFound();
  const f = await repo.findProjectFile(deps.db, id, fileId);
  if (!f) throw notFound();
  return { fileName: f.file_name, mime: f.mime, data: await deps.files.get(f.storage_key) };
}

/**
 * The projects owned inside a subtree that the caller sees, as markers for
 * the party-building map: where each stands (its warning level), at its owner
 * org — never a person.
 */
export async function projectMarkers(deps: Deps, ctx: ActorContext, subtreePath: string): Promise<ProjectMarker[]> {
  const { items } = await standings(deps, { visible: visibleTo(ctx), under: subtreePath }, 10_000);
  return items.map((x) => ({ id: x.row.id, name: x.row.name, type: x.row.type as ProjectType, level: x.standing.level, orgId: x.row.owner_org_id }));
}

/** For the list, the export and the map: the projects in the caller's scope with where each stands (level filter applied). */
export async function projectsForExport(deps: Deps, ctx: ActorContext, query: Omit<ListProjectsQuery, 'page' | 'pageSize'>) {
  const under = await narrowTo(deps, ctx, query.orgId);
  const s = await standings(deps, { visible: visibleTo(ctx), under, type: query.type, status: query.status, q: query.q || undefined });
  const items = query.level ? s.items.filter((x) => (x.standing.level ?? 'none') === query.level) : s.items;
  return { today: s.today, items, milestonesBy: s.milestonesBy, under };
}
