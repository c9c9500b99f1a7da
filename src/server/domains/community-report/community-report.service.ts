import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { isUniqueViolation, type Queryable } from '../../platform/db';
import { orgInScope, personInScope } from '../../platform/scope';
import { accountsCovering } from '../../platform/notify';
import {
  EVALUATION_GRADES, REPORT_KINDS, type AcceptReportBody, type BranchCommunityEvaluations, type BranchEvaluationsQuery, type CommunityReportDetail, type CommunityReportPage,
  type CommunityReportView, type DeclineReportBody, type EndReportBody, type EvaluateReportBody, type ListReportsQuery, type MyCommunityReport, type RecordServiceBody, type ReportMyselfBody,
  type ReportToCommunityBody,
} from '../../../contracts/community-report';
import type { PointFact, PointSource } from '../points';
import { findCommunity, gridOfCommunity } from '../resident';
import { volunteerOf } from '../volunteer';
import * as repo from './community-report.repo';

// 双报到 (issue 17): a unit's party
// organisation (by its staff) and each in-service member (themself) report to
// a community (村/社区); the community's staff accept (a grid, a 服务岗位, the
// tasks claimed) or decline; they record the services, which move the
// report's counters in the same statement; once a year they evaluate each
// member who reported. The evaluation reaches the member's current branch —
// notified, listed for 民主评议, and a point fact (community.evaluation) for
// 优秀 or 良好 — never typed twice.

/** Read: the report's community or its reporting org in the caller's scope. */
const readScope = (ctx: ActorContext) => repo.eitherOf(orgInScope(ctx.actor, 'volunteer.read', 'o'), orgInScope(ctx.actor, 'volunteer.read', 'ro'));
/** The community's acts (accept, decline, services, evaluation): the community in the caller's manage scope. */
const communityScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'volunteer.manage', 'o');
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const hoursOf = (minutes: number) => Math.round((minutes / 60) * 10) / 10;
/** The community's staff who hear of a new report. */
const COMMUNITY_ROLES = ['secretary', 'party_worker', 'org_admin'] as const;

function reportView(r: repo.ReportRow): CommunityReportView {
  return {
    id: r.id, kind: r.kind, reporterOrgId: r.reporter_org_id, reporterOrgName: r.reporter_org_name, personId: r.person_id, personName: r.person_name,
    communityOrgId: r.community_org_id, communityName: r.community_name, gridId: r.grid_id, gridName: r.grid_name, address: r.address, note: r.note, status: r.status,
    role: r.role, tasks: r.tasks, declineReason: r.decline_reason, reportedAt: iso(r.reported_at)!, acceptedAt: iso(r.accepted_at), endedAt: iso(r.ended_at), endReason: r.end_reason, serviceCount: r.service_count,
    serviceHours: hoursOf(r.service_minutes), version: r.version,
  };
}

async function detailsOf(q: Queryable, rows: repo.ReportRow[]): Promise<CommunityReportDetail[]> {
  const ids = rows.map((r) => r.id);
  if (!ids.length) return [];
  const [services, evaluations] = await Promise.all([repo.servicesOf(q, ids), repo.evaluationsOf(q, ids)]);
  return rows.map((r) => ({
    report: reportView(r),
    services: services.filter((s) => s.report_id === r.id).map((s) => ({ id: s.id, servedOn: s.served_on, hours: hoursOf(s.minutes), content: s.content, recordedAt: iso(s.created_at)! })),
    evaluations: evaluations.filter((e) => e.report_id === r.id).map((e) => ({ id: e.id, year: e.year, grade: e.grade as keyof typeof EVALUATION_GRADES, comment: e.comment, evaluatedAt: iso(e.evaluated_at)! })),
  }));
}

/** The community (a 村/社区) and the grid, when given, one of its own. */
async function placeIn(q: Queryable, communityId: string, gridId: string | null | undefined) {
  const community = await findCommunity(q, communityId);
  if (!community) throw new AppError('VALIDATION_FAILED', '请选择村（社区）党组织', { issues: [{ field: 'communityOrgId', message: '报到的对象须为村（社区）党组织' }] });
  if (!gridId) return { community, gridId: null };
  if (!(await gridOfCommunity(q, gridId, community.path))) throw new AppError('VALIDATION_FAILED', '所选网格不属于该村（社区）', { issues: [{ field: 'gridId', message: '所选网格不属于该村（社区）' }] });
  return { community, gridId };
}

async function tellCommunity(deps: Deps, t: Queryable, community: { id: string; path: string; name: string }, title: string, body: string, id: string) {
  for (const a of await accountsCovering(t, community, COMMUNITY_ROLES)) {
    await deps.notify.notify(t, a, { kind: 'community_report', title, body, link: `/admin/community-reports/${id}` });
  }
}

async function insertLive(t: Queryable, v: Parameters<typeof repo.insertReport>[1]): Promise<string> {
  const existing = await repo.liveReport(t, v.personId ? { personId: v.personId } : { reporterOrgId: v.reporterOrgId, communityId: v.communityId });
  if (existing) throw new AppError('REPORT_DUPLICATE');
  try {
    // two reports at once: the partial unique index refuses the second (the transaction ends with the error)
    return await repo.insertReport(t, v);
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('REPORT_DUPLICATE');
    throw e;
  }
}

// --- reporting

/** A unit's party organisation reports to a community (by staff who manage the unit's org). */
export async function reportToCommunity(deps: Deps, ctx: ActorContext, body: ReportToCommunityBody): Promise<string> {
  return deps.db.tx(async (t) => {
    const reporter = await repo.orgOf(t, body.reporterOrgId, orgInScope(ctx.actor, 'volunteer.manage', 'o'));
    if (!reporter) throw notFound();
    const where = await placeIn(t, body.communityOrgId, body.gridId);
    const id = await insertLive(t, { kind: 'org', reporterOrgId: reporter.id, personId: null, communityId: where.community.id, gridId: where.gridId, address: null, note: body.note, at: deps.clock.now().toISOString() });
    await auditInTx(t, ctx, { action: 'community_report.report', objectType: 'community_report', objectId: id, orgId: reporter.id, detail: { kind: REPORT_KINDS.org, community: where.community.name } });
    await tellCommunity(deps, t, where.community, `双报到：${reporter.name}向本村（社区）报到`, body.note || '请在「双报到」中接收并分配网格、服务岗位和任务。', id);
    return id;
  });
}

async function myMember(deps: Deps, ctx: ActorContext, q: Queryable) {
  const v = await volunteerOf(q, ctx.actor.accountId, ctx.actor.personId);
  // only members report (双报到 is in-service Party members'); a resident has no report
  if (!v || !v.personId) throw notFound();
  return { ...v, personId: v.personId };
}

/** An in-service member reports to the community where they live. */
export async function reportMyselfToCommunity(deps: Deps, ctx: ActorContext, body: ReportMyselfBody): Promise<string> {
  return deps.db.tx(async (t) => {
    const me = await myMember(deps, ctx, t);
    const where = await placeIn(t, body.communityOrgId, body.gridId);
    const id = await insertLive(t, { kind: 'member', reporterOrgId: me.orgId, personId: me.personId, communityId: where.community.id, gridId: where.gridId, address: body.address, note: body.note, at: deps.clock.now().toISOString() });
    await auditInTx(t, ctx, { action: 'community_report.report', objectType: 'community_report', objectId: id, orgId: where.community.id, detail: { kind: REPORT_KINDS.member, community: where.community.name, name: me.name } });
    await tellCommunity(deps, t, where.community, `双报到：在职党员${me.name}向本村（社区）报到`, body.note || '请在「双报到」中接收并分配网格、服务岗位和任务。', id);
    return id;
  });
}

export async function getMyCommunityReport(deps: Deps, ctx: ActorContext): Promise<MyCommunityReport> {
  const me = await myMember(deps, ctx, deps.db);
  return { items: await detailsOf(deps.db, await repo.reportsOfPerson(deps.db, me.personId, 20)) };
}

// --- the community's staff

export async function listCommunityReports(deps: Deps, ctx: ActorContext, query: ListReportsQuery): Promise<CommunityReportPage> {
  let orgPath: string | undefined;
  if (query.orgId) {
    const org = await repo.orgOf(deps.db, query.orgId, orgInScope(ctx.actor, 'volunteer.read', 'o'));
    if (!org) throw notFound();
    orgPath = org.path;
  }
  const { rows, total } = await repo.listReports(deps.db, readScope(ctx), { orgPath, status: query.status, kind: query.kind }, query.page, query.pageSize);
  return { items: rows.map(reportView), total, page: query.page, pageSize: query.pageSize };
}

export async function getCommunityReport(deps: Deps, ctx: ActorContext, id: string, q: Queryable = deps.db): Promise<CommunityReportDetail> {
  const r = await repo.findReport(q, id, readScope(ctx));
  if (!r) throw notFound();
  return (await detailsOf(q, [r]))[0];
}

/** A report the caller may act on for the community, locked. */
async function communityReport(t: Queryable, ctx: ActorContext, id: string) {
  const r = await repo.findReport(t, id, communityScope(ctx), true);
  if (!r) throw notFound();
  return r;
}

export async function acceptCommunityReport(deps: Deps, ctx: ActorContext, id: string, body: AcceptReportBody): Promise<CommunityReportDetail> {
  return deps.db.tx(async (t) => {
    const r = await communityReport(t, ctx, id);
    if (r.status !== 'pending') throw new AppError('REPORT_STATE', '只有待接收的报到才能接收');
    if (r.version !== body.version) throw new AppError('CONFLICT');
    // the grid assigned: one of the report's community
    if (body.gridId && !(await gridOfCommunity(t, body.gridId, r.community_path))) throw new AppError('VALIDATION_FAILED', '所选网格不属于该村（社区）', { issues: [{ field: 'gridId', message: '所选网格不属于该村（社区）' }] });
    if (!(await repo.accept(t, id, { version: body.version, gridId: body.gridId ?? null, role: body.role, tasks: body.tasks, by: ctx.actor.accountId, at: deps.clock.now().toISOString() }))) throw new AppError('CONFLICT');
    await auditInTx(t, ctx, { action: 'community_report.accept', objectType: 'community_report', objectId: id, orgId: r.community_org_id, detail: { name: r.person_name ?? r.reporter_org_name, role: body.role, tasks: body.tasks } });
    if (r.person_id) await notifyPerson(deps, t, r.person_id, { title: `${r.community_name}已接收您的报到`, body: `服务岗位：${body.role}；认领任务：${body.tasks}` });
    return getCommunityReport(deps, ctx, id, t);
  });
}

export async function declineCommunityReport(deps: Deps, ctx: ActorContext, id: string, body: DeclineReportBody): Promise<CommunityReportDetail> {
  return deps.db.tx(async (t) => {
    const r = await communityReport(t, ctx, id);
    if (r.status !== 'pending' || !(await repo.decline(t, id, body.reason, deps.clock.now().toISOString()))) throw new AppError('REPORT_STATE', '只有待接收的报到才能退回');
    await auditInTx(t, ctx, { action: 'community_report.decline', objectType: 'community_report', objectId: id, orgId: r.community_org_id, detail: { name: r.person_name ?? r.reporter_org_name, reason: body.reason } });
    if (r.person_id) await notifyPerson(deps, t, r.person_id, { title: `${r.community_name}退回了您的报到`, body: body.reason });
    return getCommunityReport(deps, ctx, id, t);
  });
}

/** The community ends an accepted report; the member (if any) hears of it and may report again. */
export async function endCommunityReport(deps: Deps, ctx: ActorContext, id: string, body: EndReportBody): Promise<CommunityReportDetail> {
  return deps.db.tx(async (t) => {
    const r = await communityReport(t, ctx, id);
    if (r.status !== 'accepted' || !(await repo.end(t, id, body.reason, deps.clock.now().toISOString()))) throw new AppError('REPORT_STATE', '只有已接收的报到才能结束');
    await auditInTx(t, ctx, { action: 'community_report.end', objectType: 'community_report', objectId: id, orgId: r.community_org_id, detail: { name: r.person_name ?? r.reporter_org_name, reason: body.reason } });
    if (r.person_id) await notifyPerson(deps, t, r.person_id, { title: `${r.community_name}结束了您的报到`, body: `结束原因：${body.reason}。如需继续参与，可重新向居住地村（社区）报到。` });
    return getCommunityReport(deps, ctx, id, t);
  });
}

async function notifyPerson(deps: Deps, t: Queryable, personId: string, m: { title: string; body: string }) {
  for (const a of await repo.accountsOfPerson(t, personId)) await deps.notify.notify(t, a, { kind: 'community_report', title: m.title, body: m.body, link: '/m/community-report' });
}

export async function recordCommunityService(deps: Deps, ctx: ActorContext, id: string, body: RecordServiceBody): Promise<string> {
  if (body.servedOn > deps.clock.today()) throw new AppError('VALIDATION_FAILED', '服务日期不能晚于今天', { issues: [{ field: 'servedOn', message: '服务日期不能晚于今天' }] });
  return deps.db.tx(async (t) => {
    const r = await communityReport(t, ctx, id);
    if (r.status !== 'accepted') throw new AppError('REPORT_STATE', '报到接收后才能登记服务');
    const minutes = Math.round(body.hours * 60);
    // the record and the report's counters in one statement
    const s = await repo.insertService(t, { reportId: id, servedOn: body.servedOn, minutes, content: body.content, by: ctx.actor.accountId, at: deps.clock.now().toISOString() });
    if (!s) throw new AppError('REPORT_STATE', '报到接收后才能登记服务');
    await auditInTx(t, ctx, { action: 'community_report.service', objectType: 'community_report', objectId: id, orgId: r.community_org_id, detail: { name: r.person_name ?? r.reporter_org_name, servedOn: body.servedOn, minutes } });
    return s.id;
  });
}

const SECRETARY_ROLES = ['secretary'] as const;

export async function evaluateCommunityReport(deps: Deps, ctx: ActorContext, id: string, body: EvaluateReportBody): Promise<string> {
  const thisYear = Number(deps.clock.today().slice(0, 4));
  if (body.year > thisYear) throw new AppError('VALIDATION_FAILED', '不能评价尚未到来的年度', { issues: [{ field: 'year', message: '不能评价尚未到来的年度' }] });
  return deps.db.tx(async (t) => {
    const r = await communityReport(t, ctx, id);
    if (r.kind !== 'member' || r.status !== 'accepted') throw new AppError('REPORT_STATE', '只能评价已接收的在职党员报到');
    const e = await repo.insertEvaluation(t, { reportId: id, year: body.year, grade: body.grade, comment: body.comment, by: ctx.actor.accountId, at: deps.clock.now().toISOString() });
    if (!e) throw new AppError('REPORT_STATE', `${body.year}年度已评价过该党员`);
    const grade = EVALUATION_GRADES[body.grade];
    await auditInTx(t, ctx, { action: 'community_report.evaluate', objectType: 'community_report', objectId: id, orgId: r.community_org_id, detail: { name: r.person_name, year: body.year, grade } });
    // the member's branch now: its secretaries read it for 民主评议
    if (r.person_org_id && r.person_org_path) {
      for (const a of await accountsCovering(t, { id: r.person_org_id, path: r.person_org_path }, SECRETARY_ROLES)) {
        await deps.notify.notify(t, a, {
          kind: 'community_report', title: `双报到年度评价：${r.person_name}（${body.year}年度${grade}）`, body: `${r.community_name}的评价${body.comment ? `：${body.comment}` : ''}。可在民主评议党员时参考。`,
          link: `/admin/community-reports?evaluations=${r.person_org_id}`,
        });
      }
    }
    return e.id;
  });
}

// --- the member's branch (民主评议)

export async function listBranchCommunityEvaluations(deps: Deps, ctx: ActorContext, query: BranchEvaluationsQuery): Promise<BranchCommunityEvaluations> {
  const org = await repo.orgOf(deps.db, query.orgId, orgInScope(ctx.actor, 'member.read', 'o'));
  if (!org) throw notFound();
  const rows = await repo.branchEvaluations(deps.db, personInScope(ctx.actor, 'member.read', 'p', 'po'), org.path, query.year);
  return {
    year: query.year,
    items: rows.map((r) => ({
      personId: r.person_id, personName: r.person_name, reportId: r.report_id, communityName: r.community_name, status: r.status, role: r.role,
      grade: r.grade as keyof typeof EVALUATION_GRADES | null, comment: r.comment, serviceCount: r.service_count, serviceHours: hoursOf(r.service_minutes), yearServiceHours: hoursOf(r.year_minutes),
    })).sort((a, b) => a.personName.localeCompare(b.personName, 'zh-CN')),
  };
}

// --- points

/** Points for the community's yearly evaluation: one fact for 优秀 or 良好, dated the evaluation day, in the member's branch now. */
export const communityEvaluationPointSource: PointSource = {
  name: 'community.evaluation',
  async facts(q, from, to): Promise<PointFact[]> {
    return (await repo.goodEvaluations(q, from, to)).map((r) => ({
      personId: r.person_id, orgId: r.org_id, orgPath: r.org_path, item: 'community.evaluation' as const, sourceType: 'community_evaluation', sourceId: r.id, factDate: r.day,
    }));
  },
};

// --- counters

export async function verifyCommunityReports(q: Queryable) {
  return { counterDifferences: await repo.counterDifferences(q) };
}

/** Recomputes the reports' service counters from the service records; the number of reports corrected. */
export async function rebuildCommunityReportCounters(q: Queryable): Promise<number> {
  return repo.rebuildCounters(q);
}
