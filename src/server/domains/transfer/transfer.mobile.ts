import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, conflict, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { isUniqueViolation } from '../../platform/db';
import { addDays, addMonths } from '../../platform/dates';
import { ruleInForce } from '../../platform/rules';
import { covers, orgInScope, personInScope } from '../../platform/scope';
import { or } from '../../platform/sql';
import { monthOf } from '../dues';
import { BRANCH_TYPES, type OrgType } from '../../../contracts/dict';
import type {
  DecideLostContactBody, FlowActionBody, IssueFlowCertificateBody, ListMobileMembersQuery, LostContactItem, LostContactRule, MobileMemberItem, MobileMemberPage,
  MobilityRule, ProposeLostContactDecisionBody, RecordMemberContactBody,
} from '../../../contracts/transfer';
import type { ApprovalItem } from '../../../contracts/approvals';
import { findMemberInScope, leaveRoll } from '../member';
import * as repo from './mobile.repo';
import { findReceivingOrg, issuerOf, nextLetterNo } from './transfer.repo';

// 流动党员 and 失联党员 (RULES §4). The member's formal relation stays at home:
// a certificate only lets them take part in organisational life where they
// are; a member out of contact is a list with its facts, never an automatic
// status change — the branch decides, the superior committee approves.


export function mobilityRule(deps: Deps, date: string) {
  return ruleInForce<MobilityRule>(deps.db, 'transfer', 'mobility', date);
}
function lostContactRule(deps: Deps, date: string) {
  return ruleInForce<LostContactRule>(deps.db, 'transfer', 'lost_contact', date);
}

const homeSide = (ctx: ActorContext, p: 'transfer.read' | 'transfer.manage' = 'transfer.read') => orgInScope(ctx.actor, p, 'ho');
const hostSide = (ctx: ActorContext, p: 'transfer.read' | 'transfer.manage' = 'transfer.read') => orgInScope(ctx.actor, p, 'hso');
/** Home sees its certificates; the host branch sees those that name it. */
const flowVisible = (ctx: ActorContext) => or([homeSide(ctx), repo.registeredWithHost(hostSide(ctx))]);

export function certificateCode(r: Pick<repo.FlowRow, 'cert_year' | 'cert_no'>) {
  return `流动〔${r.cert_year}〕第${r.cert_no}号`;
}

export async function issueFlowCertificate(deps: Deps, ctx: ActorContext, body: IssueFlowCertificateBody): Promise<string> {
  const today = deps.clock.today();
  if (body.issuedOn > today) throw new AppError('VALIDATION_FAILED', '发证日期不能晚于今天', { issues: [{ field: 'issuedOn', message: '发证日期不能晚于今天' }] });
  return deps.db.tx(async (t) => {
    const m = await findMemberInScope(t, body.personId, personInScope(ctx.actor, 'transfer.manage'));
    if (!m) throw notFound();
    if (await repo.openFlowOf(t, m.id)) throw new AppError('TRANSFER_OPEN', '该党员已持有一张未收回的流动党员活动证，请续期或先收回');
    if (body.hostOrgId) {
      const host = await findReceivingOrg(t, body.hostOrgId);
      if (!host || !BRANCH_TYPES.includes(host.type as OrgType) || host.dissolved_on) throw new AppError('TRANSFER_TARGET_INVALID', '流入地党组织须为本系统内的党支部', { issues: [{ field: 'hostOrgId', message: '请选择党支部' }] });
      if (host.id === m.org_id) throw new AppError('TRANSFER_TARGET_INVALID', '流入地党支部不能是党员所在的支部', { issues: [{ field: 'hostOrgId', message: '不能选择本支部' }] });
    }
    const rule = await mobilityRule(deps, today);
    const issuer = await issuerOf(t, m.org_path);
    const year = Number(body.issuedOn.slice(0, 4));
    const no = await nextLetterNo(t, issuer.id, year, 'flow');
    const id = await repo.insertFlow(t, {
      personId: m.id, orgId: m.org_id, issuerOrgId: issuer.id, year, no, destination: body.destination, hostOrgId: body.hostOrgId ?? null, reason: body.reason,
      issuedOn: body.issuedOn, validUntil: addDays(addMonths(body.issuedOn, rule.body.certificateValidityMonths), -1), ruleVersionId: rule.id, actorId: ctx.actor.accountId,
    });
    await repo.insertFlowEvent(t, { certificateId: id, action: 'issued', date: body.issuedOn, orgId: m.org_id, note: `${body.destination}：${body.reason}`, actorId: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: 'mobile.issue', objectType: 'flow_certificate', objectId: id, orgId: m.org_id, detail: { personId: m.id } });
    return id;
  });
}

/**
 * register: the host branch (or, for a place outside, the home branch on the
 * member's word) records the member's arrival; renew: home extends by the
 * rule's validity; report: home records the member's report; return: home
 * takes the certificate back (the member came home or transferred).
 */
export async function recordFlowAction(deps: Deps, ctx: ActorContext, id: string, body: FlowActionBody) {
  const today = deps.clock.today();
  if (body.date > today) throw new AppError('VALIDATION_FAILED', '日期不能晚于今天', { issues: [{ field: 'date', message: '日期不能晚于今天' }] });
  await deps.db.tx(async (t) => {
    const r = await repo.findFlow(t, id, flowVisible(ctx), true);
    if (!r) throw notFound();
    if (r.version !== body.version) throw conflict();
    if (r.status === 'returned') throw new AppError('TRANSFER_STATE', '活动证已收回，不能再办理');
    if (body.date < r.issued_on) throw new AppError('VALIDATION_FAILED', `日期不能早于发证日期（${r.issued_on}）`, { issues: [{ field: 'date', message: '日期不能早于发证日期' }] });
    const home = covers(ctx.actor, 'transfer.manage', { id: r.org_id, path: r.org_path });
    const host = !!r.host_org_id && !!r.host_path && covers(ctx.actor, 'transfer.manage', { id: r.host_org_id, path: r.host_path });
    const rule = await mobilityRule(deps, today);
    let set: Parameters<typeof repo.updateFlow>[3];
    let action: 'registered' | 'renewed' | 'reported' | 'returned';
    let orgId: string | null = r.org_id;
    switch (body.action) {
      case 'register':
        if (r.status !== 'issued') throw new AppError('TRANSFER_STATE', '活动证已在流入地登记');
        if (r.host_org_id ? !host : !home) throw new AppError('FORBIDDEN', r.host_org_id ? '由流入地党支部登记' : '流入地不在本系统内，由原党支部登记');
        set = { status: 'registered', registered_on: body.date };
        action = 'registered';
        orgId = r.host_org_id ?? r.org_id;
        break;
      case 'renew':
        if (!home) throw new AppError('FORBIDDEN', '活动证由原党组织续期');
        set = { valid_until: addDays(addMonths(maxDate(r.valid_until, body.date), rule.body.certificateValidityMonths), -1) };
        action = 'renewed';
        break;
      case 'report':
        if (!home) throw new AppError('FORBIDDEN', '流动党员向原党组织报告，由原党支部登记');
        set = { last_report_on: body.date };
        action = 'reported';
        break;
      case 'return':
        if (!home) throw new AppError('FORBIDDEN', '活动证由原党组织收回');
        set = { status: 'returned', returned_on: body.date };
        action = 'returned';
        break;
    }
    if (!(await repo.updateFlow(t, id, r.version, set))) throw conflict();
    await repo.insertFlowEvent(t, { certificateId: id, action, date: body.date, orgId, note: body.note ?? null, actorId: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: FLOW_AUDIT[body.action], objectType: 'flow_certificate', objectId: id, orgId: r.org_id, detail: { date: body.date } });
  });
}

const maxDate = (a: string, b: string) => (a > b ? a : b);
const FLOW_AUDIT = { register: 'mobile.register', renew: 'mobile.renew', report: 'mobile.report', return: 'mobile.return' } as const;

function flowFlags(r: repo.FlowRow, today: string, rule: MobilityRule): MobileMemberItem['flags'] {
  if (r.status === 'returned') return [];
  const flags: MobileMemberItem['flags'] = [];
  if (r.valid_until < today) flags.push('expired');
  if (addMonths(r.last_report_on ?? r.issued_on, rule.reportEveryMonths) < today) flags.push('report_overdue');
  if (r.registered_on && addMonths(r.registered_on, rule.awayMonthsForTransfer) < today) flags.push('should_transfer');
  return flags;
}

export async function listMobileMembers(deps: Deps, ctx: ActorContext, query: ListMobileMembersQuery): Promise<MobileMemberPage> {
  const today = deps.clock.today();
  const rule = await mobilityRule(deps, today);
  let underPath: repo.FlowFilter['underPath'] = null;
  if (query.orgId) {
    const o = await findReceivingOrg(deps.db, query.orgId);
    if (!o || !covers(ctx.actor, 'transfer.read', o)) throw notFound();
    underPath = { alias: query.direction === 'outgoing' ? 'ho' : 'hso', path: o.path };
  }
  const side = query.direction === 'outgoing' ? homeSide(ctx) : repo.registeredWithHost(hostSide(ctx));
  const statuses = query.status === 'open' ? ['issued', 'registered'] : query.status === 'returned' ? ['returned'] : ['issued', 'registered', 'returned'];
  const filter = { side, statuses, underPath };
  const [rows, total, together] = await Promise.all([
    repo.listFlows(deps.db, filter, query.pageSize, (query.page - 1) * query.pageSize),
    repo.countFlows(deps.db, filter),
    query.direction === 'outgoing' ? repo.awayTogether(deps.db, homeSide(ctx), rule.body.temporaryBranchMin) : Promise.resolve([]),
  ]);
  const events = rows.length ? await repo.flowEvents(deps.db, rows.map((r) => r.id)) : [];
  const home = query.direction === 'outgoing';
  return {
    items: rows.map((r) => ({
      id: r.id, certificateCode: certificateCode(r), personId: home ? r.person_id : null, personName: r.person_name, orgId: r.org_id, orgName: r.org_name,
      destination: r.destination, hostOrgId: r.host_org_id, hostOrgName: r.host_org_name, reason: r.reason, issuedOn: r.issued_on, validUntil: r.valid_until,
      registeredOn: r.registered_on, returnedOn: r.returned_on, lastReportOn: r.last_report_on, status: r.status, flags: flowFlags(r, today, rule.body),
      events: events.filter((e) => e.certificate_id === r.id).map((e) => ({ action: e.action as MobileMemberItem['events'][number]['action'], date: e.date, orgName: e.org_name, note: e.note })),
      version: r.version,
    })),
    total, page: query.page, pageSize: query.pageSize,
    temporaryBranchSuggestions: together.map((g) => ({ destination: g.destination, issuerOrgName: g.issuer_org_name, count: g.count })),
  };
}

// -- 失联党员

export async function listLostContactMembers(deps: Deps, ctx: ActorContext, query: { orgId?: string; page: number; pageSize: number }) {
  const today = deps.clock.today();
  const rule = (await lostContactRule(deps, today)).body;
  let under: string | null = null;
  if (query.orgId) {
    const o = await findReceivingOrg(deps.db, query.orgId);
    if (!o || !covers(ctx.actor, 'transfer.read', o)) throw notFound();
    under = o.path;
  }
  const scope = personInScope(ctx.actor, 'transfer.read');
  const lostBefore = addMonths(today, -rule.lostAfterMonths);
  const [rows, total] = await Promise.all([
    repo.listLostContact(deps.db, scope, under, lostBefore, monthOf(today), rule.lapseAfterMonths, query.pageSize, (query.page - 1) * query.pageSize),
    repo.countLostContact(deps.db, scope, under, lostBefore, monthOf(today), rule.lapseAfterMonths),
  ]);
  const items: LostContactItem[] = rows.map((r) => ({
    personId: r.person_id, name: r.name, orgId: r.org_id, orgName: r.org_name, lastContactOn: r.last_contact_on, lastContactKind: r.last_contact_kind,
    lastAttemptOn: r.last_attempt_on, attempts: r.attempts, unpaidMonths: r.unpaid_months,
    lostContact: !r.last_contact_on || r.last_contact_on < lostBefore, lapseCandidate: r.unpaid_months >= rule.lapseAfterMonths,
    openDecision: r.decision_id ? { id: r.decision_id, kind: r.decision_kind!, resolutionOn: r.decision_resolution_on! } : null,
  }));
  return { items, total, page: query.page, pageSize: query.pageSize };
}

export async function recordMemberContact(deps: Deps, ctx: ActorContext, personId: string, body: RecordMemberContactBody) {
  if (body.contactOn > deps.clock.today()) throw new AppError('VALIDATION_FAILED', '联系日期不能晚于今天', { issues: [{ field: 'contactOn', message: '联系日期不能晚于今天' }] });
  await deps.db.tx(async (t) => {
    const m = await findMemberInScope(t, personId, personInScope(ctx.actor, 'transfer.manage'));
    if (!m) throw notFound();
    await repo.insertContact(t, { personId, orgId: m.org_id, contactOn: body.contactOn, method: body.method, reached: body.reached, note: body.note ?? null, actorId: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: 'member.contact', objectType: 'person', objectId: personId, orgId: m.org_id, detail: { reached: body.reached, method: body.method } });
  });
}

/** The branch records its resolution on a member out of contact; the superior committee approves it. The facts behind the flag are kept with it. */
export async function proposeLostContactDecision(deps: Deps, ctx: ActorContext, personId: string, body: ProposeLostContactDecisionBody): Promise<string> {
  const today = deps.clock.today();
  if (body.resolutionOn > today) throw new AppError('VALIDATION_FAILED', '决议日期不能晚于今天', { issues: [{ field: 'resolutionOn', message: '决议日期不能晚于今天' }] });
  return deps.db.tx(async (t) => {
    const m = await findMemberInScope(t, personId, personInScope(ctx.actor, 'transfer.manage'));
    if (!m) throw notFound();
    const rule = (await lostContactRule(deps, today)).body;
    const facts = (await repo.listLostContact(t, repo.personIs(personId), null, addMonths(today, -rule.lostAfterMonths), monthOf(today), rule.lapseAfterMonths, 1, 0))[0] ?? null;
    if (body.kind !== 'restore' && !facts) throw new AppError('TRANSFER_RULE', '该党员未失联，也未连续6个月不交纳党费，不能作停止党籍或除名处理');
    if (body.kind === 'lapse' && (facts?.unpaid_months ?? 0) < rule.lapseAfterMonths) throw new AppError('TRANSFER_RULE', `按自行脱党除名须连续${rule.lapseAfterMonths}个月不参加组织生活、不交纳党费或不做党所分配的工作（党章第九条）`);
    try {
      const id = await repo.insertDecision(t, { personId, orgId: m.org_id, kind: body.kind, resolutionOn: body.resolutionOn, resolution: body.resolution, facts, actorId: ctx.actor.accountId });
      await auditInTx(t, ctx, { action: 'member.lost_contact_propose', objectType: 'person', objectId: personId, orgId: m.org_id, detail: { kind: body.kind } });
      return id;
    } catch (e) {
      if (isUniqueViolation(e, 'lost_contact_decision_one_open')) throw new AppError('TRANSFER_OPEN', '该党员已有一项待上级审批的处理决定');
      throw e;
    }
  });
}

/** The superior committee's decision: 停止党籍 and 除名 take effect as member events on the resolution's day; 恢复联系 only closes the case. */
export async function decideLostContact(deps: Deps, ctx: ActorContext, id: string, body: DecideLostContactBody) {
  const today = deps.clock.today();
  await deps.db.tx(async (t) => {
    const d = await repo.findDecision(t, id, orgInScope(ctx.actor, 'transfer.approve'), true);
    if (!d) throw notFound();
    if (d.version !== body.version) throw conflict();
    if (d.status !== 'proposed') throw new AppError('TRANSFER_STATE', '该处理决定已审批');
    if (!ctx.actor.grants.some((g) => g.scope === 'subtree' && g.orgPath && d.org_path.startsWith(g.orgPath + '.'))) throw new AppError('FORBIDDEN', '由支部的上级党委审批');
    if (!(await repo.settleDecision(t, id, d.version, { status: body.approve ? 'approved' : 'rejected', decidedOn: today, decidedBy: ctx.actor.accountId, note: body.note ?? null }))) throw conflict();
    if (body.approve && d.kind !== 'restore') {
      await leaveRoll(t, ctx, { personId: d.person_id, orgId: d.org_id, actorId: ctx.actor.accountId, reason: d.kind === 'suspend' ? 'suspended' : 'lapsed', eventDate: d.resolution_on, note: `支部决议：${d.resolution}；上级党委${today}批准` });
    }
    await auditInTx(t, ctx, { action: 'member.lost_contact_decide', objectType: 'person', objectId: d.person_id, orgId: d.org_id, detail: { kind: d.kind, approve: body.approve } });
  });
}

const above = (ctx: ActorContext, orgPath: string) => ctx.actor.grants.some((g) => g.role !== 'member' && g.scope === 'subtree' && g.orgPath && orgPath.startsWith(g.orgPath + '.'));

/** The decisions of branches in the caller's scope (the branch follows its own; the committee above decides). */
export async function listLostContactDecisions(deps: Deps, ctx: ActorContext, proposedOnly: boolean) {
  const rows = await repo.listDecisions(deps.db, orgInScope(ctx.actor, 'transfer.read'), proposedOnly, 200);
  return {
    items: rows.map((d) => ({
      id: d.id, personId: d.person_id, personName: d.person_name, orgId: d.org_id, orgName: d.org_name, kind: d.kind, resolutionOn: d.resolution_on, resolution: d.resolution,
      status: d.status, createdAt: d.created_at, version: d.version,
      canDecide: d.status === 'proposed' && covers(ctx.actor, 'transfer.approve', { id: d.org_id, path: d.org_path }) && above(ctx, d.org_path),
    })),
  };
}

/** 待我审批: proposed decisions of branches strictly below the approver's subtree grants. */
export async function listPendingLostContactDecisions(deps: Deps, ctx: ActorContext, limit: number): Promise<{ items: ApprovalItem[]; total: number }> {
  const rows = (await repo.proposedDecisions(deps.db, orgInScope(ctx.actor, 'transfer.approve'), 1000))
    .filter((d) => ctx.actor.grants.some((g) => g.scope === 'subtree' && g.orgPath && d.org_path.startsWith(g.orgPath + '.')));
  const items = rows.slice(0, limit).map((d): ApprovalItem => ({
    kind: 'lost_contact_decision', key: `lost:${d.id}`, objectId: d.id, personId: d.person_id, personName: d.person_name, orgId: d.org_id, orgName: d.org_name, step: null,
    asked: `失联党员处理：${{ suspend: '停止党籍', lapse: '按自行脱党除名', restore: '恢复联系' }[d.kind]}`, detail: d.resolution, since: d.created_at, due: null, overdue: false,
    link: `/admin/transfers/lost-contact?decision=${d.id}`,
  }));
  return { items, total: rows.length };
}
