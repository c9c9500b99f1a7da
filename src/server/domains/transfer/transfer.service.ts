import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { Queryable } from '../../platform/db';
import type { ActorContext, RequestContext } from '../../platform/actor';
import { grantsWith } from '../../platform/actor';
import { AppError, conflict, notFound } from '../../platform/errors';
import { audit, auditInTx } from '../../platform/audit';
import { isUniqueViolation } from '../../platform/db';
import { ERROR_CODES } from '../../../contracts/errors';
import { renderTransferLetter } from './transfer.letter';
import { addDays } from '../../platform/dates';
import { accountsCovering } from '../../platform/notify';
import { ruleInForce, type RuleVersion } from '../../platform/rules';
import { covers, orgInScope, personInScope } from '../../platform/scope';
import { and } from '../../platform/sql';
import { BRANCH_TYPES, type OrgType } from '../../../contracts/dict';
import type { ApprovalItem } from '../../../contracts/approvals';
import {
  TRANSFER_SCOPES, type AcceptTransferBody, type CreateTransferBody, type ListTransfersQuery, type RejectTransferBody, type TransferDecisionBody,
  type TransferDetail, type TransferListItem, type TransferPreview, type TransferRule, type TransferScope, type RegisterIncomingLetterBody, type TransferLetterCheck,
} from '../../../contracts/transfer';
import { findMemberInScope, insertMember, prepareRecord, transferMember, transferOutOfInstallation } from '../member';
import { duesStanding, monthOf } from '../dues';
import { moveOpenFileOf } from '../development';
import * as repo from './transfer.repo';
import { scopeBetween } from './transfer.policy';

// 组织关系转接 (RULES §4): the letter's life as a state machine. Every
// transition locks the transfer row, checks its version and state, writes the
// append-only event and the audit row in the same transaction; acceptance also
// moves the member (member domain), their open development file and, through
// the formal relation, their dues bills from the next month on.

const SECRETARY_ROLES = ['secretary', 'party_worker'];

export function ruleFor(q: Queryable, date: string): Promise<RuleVersion<TransferRule>> {
  return ruleInForce<TransferRule>(q, 'transfer', 'letter', date);
}


function sending(ctx: ActorContext, permission: 'transfer.read' | 'transfer.manage' | 'transfer.approve' = 'transfer.read') {
  return orgInScope(ctx.actor, permission, 'fo');
}
function receiving(ctx: ActorContext, permission: 'transfer.read' | 'transfer.manage' = 'transfer.read') {
  return orgInScope(ctx.actor, permission, 'tgo');
}
const visibleTo = (ctx: ActorContext) => repo.transferVisible(sending(ctx), receiving(ctx));

function onSendingSide(ctx: ActorContext, r: repo.TransferRow, permission: 'transfer.read' | 'transfer.manage' | 'transfer.approve'): boolean {
  return !!r.from_org_id && !!r.from_path && covers(ctx.actor, permission, { id: r.from_org_id, path: r.from_path });
}
function onReceivingSide(ctx: ActorContext, r: repo.TransferRow, permission: 'transfer.read' | 'transfer.manage'): boolean {
  return !!r.to_org_id && !!r.to_path && covers(ctx.actor, permission, { id: r.to_org_id, path: r.to_path });
}

/**
 * An approval hop is decided by a committee above the sending branch (never
 * the branch itself), and each further hop by a committee above the previous
 * approver: the org of the approving grant.
 */
function approvingOrg(ctx: ActorContext, r: repo.TransferRow, previousApproverPaths: readonly string[]): { id: string; path: string } | null {
  if (!r.from_path) return null;
  const above = (path: string, over: string) => over.startsWith(path + '.');
  const candidates = grantsWith(ctx.actor, 'transfer.approve')
    .filter((g) => g.scope === 'subtree' && g.orgId && g.orgPath && above(g.orgPath, r.from_path!))
    .filter((g) => previousApproverPaths.every((p) => above(g.orgPath!, p)))
    .sort((a, b) => a.orgPath!.length - b.orgPath!.length);
  const g = candidates.at(-1);
  return g ? { id: g.orgId!, path: g.orgPath! } : null;
}

async function approverPaths(q: Queryable, transferId: string): Promise<string[]> {
  return (await repo.listApproverPaths(q, [transferId])).map((r) => r.path);
}

function listItem(ctx: ActorContext, r: repo.TransferRow, today: string, remindDays: number): TransferListItem {
  const s = onSendingSide(ctx, r, 'transfer.read');
  const rc = r.status !== 'draft' && r.status !== 'pending_approval' && onReceivingSide(ctx, r, 'transfer.read');
  return {
    id: r.id, kind: r.kind, scope: r.scope, status: r.status, personId: s || (rc && r.status === 'accepted') ? r.person_id : null, personName: r.person_name, memberStatus: r.member_status,
    fromOrgId: r.from_org_id, fromOrgName: r.from_org_name, toOrgId: r.to_org_id, toOrgName: r.to_org_name,
    letterCode: letterCode(r), issuedOn: r.issued_on, validUntil: r.valid_until, acceptedOn: r.accepted_on,
    approvalsNeeded: r.approvals_needed, approvalsDone: r.approvals_done,
    side: s && rc ? 'both' : s ? 'sending' : 'receiving',
    expiringSoon: r.status === 'issued' && r.kind !== 'outgoing' && !!r.valid_until && r.valid_until <= addDays(today, remindDays),
    receiptOverdue: r.status === 'issued' && r.kind === 'outgoing' && !!r.receipt_due && r.receipt_due < today,
    createdAt: r.created_at, version: r.version,
  };
}

/** The letter's number as printed: the issuing committee's year and sequence, e.g. 〔2026〕第12号. */
export function letterCode(r: Pick<repo.TransferRow, 'letter_year' | 'letter_no' | 'external_letter_no'>): string | null {
  return r.letter_year && r.letter_no ? `〔${r.letter_year}〕第${r.letter_no}号` : r.external_letter_no;
}

export async function notifySide(deps: Deps, t: Queryable, org: { id: string | null; path: string | null }, title: string, body: string, transferId: string | null) {
  if (!org.id || !org.path) return;
  for (const accountId of await accountsCovering(t, { id: org.id, path: org.path }, SECRETARY_ROLES)) {
    await deps.notify.notify(t, accountId, { kind: 'transfer', title, body, link: transferId ? `/admin/transfers/${transferId}` : '/admin/transfers?view=requests' });
  }
}

/** What the sending secretary sees before the letter is drafted: scope, validity, approvals, dues standing. */
export async function previewTransfer(deps: Deps, ctx: ActorContext, query: { personId: string; toOrgId?: string; outsideScope?: 'province' | 'national' }): Promise<TransferPreview> {
  const today = deps.clock.today();
  const m = await findMemberInScope(deps.db, query.personId, personInScope(ctx.actor, 'transfer.manage'));
  if (!m) throw notFound();
  const scope = await resolveScope(deps.db, m, query.toOrgId, query.outsideScope);
  const rule = await ruleFor(deps.db, today);
  const dues = await duesStanding(deps.db, m.id, monthOf(today));
  return { scope, validityDays: rule.body.scopes[scope].validityDays, approvals: rule.body.scopes[scope].approvals, duesPaidTo: dues.paidTo, unpaidMonths: dues.unpaidMonths, ruleSource: rule.source };
}

async function resolveScope(q: Queryable, m: { org_id: string; org_path: string; region_key: string | null }, toOrgId: string | undefined, outsideScope: 'province' | 'national' | undefined): Promise<TransferScope> {
  if (!toOrgId) {
    if (!outsideScope) throw new AppError('VALIDATION_FAILED', '请选择接收的党支部，或填写本系统以外的接收党组织及转接范围', { issues: [{ field: 'toOrgId', message: '请选择接收的党支部' }] });
    return outsideScope;
  }
  const to = await receivingBranch(q, toOrgId, m.org_id);
  const [fromIssuer, toIssuer] = await Promise.all([repo.issuerOf(q, m.org_path), repo.issuerOf(q, to.path)]);
  return scopeBetween({ issuerId: fromIssuer.id, regionKey: m.region_key }, { issuerId: toIssuer.id, regionKey: to.region_key });
}

async function receivingBranch(q: Queryable, toOrgId: string, fromOrgId: string) {
  const to = await repo.findReceivingOrg(q, toOrgId);
  if (!to) throw new AppError('TRANSFER_TARGET_INVALID', '接收的党支部不存在', { issues: [{ field: 'toOrgId', message: '请重新选择接收的党支部' }] });
  if (to.id === fromOrgId) throw new AppError('TRANSFER_TARGET_INVALID', '接收支部就是党员现在所在的支部，无需转接', { issues: [{ field: 'toOrgId', message: '不能转到本支部' }] });
  if (!BRANCH_TYPES.includes(to.type as OrgType)) throw new AppError('TRANSFER_TARGET_INVALID', '党员的组织关系应转入党支部（含联合党支部、临时党支部），请选择党支部', { issues: [{ field: 'toOrgId', message: '请选择党支部' }] });
  if (to.dissolved_on) throw new AppError('ORG_DISSOLVED', '接收的党支部已撤销');
  return to;
}

export async function createTransfer(deps: Deps, ctx: ActorContext, body: CreateTransferBody): Promise<string> {
  const today = deps.clock.today();
  return deps.db.tx(async (t) => {
    const m = await findMemberInScope(t, body.personId, personInScope(ctx.actor, 'transfer.manage'));
    if (!m) throw notFound();
    if (await repo.openTransferOf(t, m.id)) throw new AppError('TRANSFER_OPEN');
    const scope = await resolveScope(t, m, body.toOrgId, body.outsideScope);
    const to = body.toOrgId ? await receivingBranch(t, body.toOrgId, m.org_id) : null;
    if (!to && !body.toOrgName) throw new AppError('VALIDATION_FAILED', '请填写接收党组织名称', { issues: [{ field: 'toOrgName', message: '请填写接收党组织名称' }] });
    const rule = await ruleFor(t, today);
    const issuer = await repo.issuerOf(t, m.org_path);
    const id = await repo.insertTransfer(t, {
      kind: to ? 'internal' : 'outgoing', scope, personId: m.id, personName: m.name, memberStatus: m.status,
      fromOrg: { id: m.org_id, name: m.org_name, path: m.org_path, region_key: m.region_key },
      toOrg: to ? { id: to.id, name: to.name, path: to.path } : { id: null, name: body.toOrgName!, path: null },
      issuerOrgId: issuer.id, reason: body.reason, approvalsNeeded: rule.body.scopes[scope].approvals, ruleVersionId: rule.id, actorId: ctx.actor.accountId,
    });
    await repo.insertEvent(t, { transferId: id, action: 'created', fromStatus: null, toStatus: 'draft', eventDate: today, orgId: m.org_id, note: body.reason, ruleVersionId: rule.id, actorId: ctx.actor.accountId });
    if (body.requestId) {
      // the member's request this letter answers: closed in the same transaction
      const req = await repo.findRequest(t, body.requestId, repo.requestOfPerson(m.id));
      if (!req || req.status !== 'open') throw new AppError('TRANSFER_STATE', '该转接申请已办理或已撤回');
      if (!(await repo.answerRequest(t, req.id, req.version, { status: 'drafted', transferId: id, by: ctx.actor.accountId }))) throw conflict();
    }
    await auditInTx(t, ctx, { action: 'transfer.create', objectType: 'transfer', objectId: id, orgId: m.org_id, detail: { personId: m.id, scope, toOrgId: to?.id ?? null } });
    return id;
  });
}

async function lockForDecision(t: Queryable, ctx: ActorContext, id: string, version: number) {
  const r = await repo.findTransfer(t, id, visibleTo(ctx), true);
  if (!r) throw notFound();
  if (r.version !== version) throw conflict();
  return r;
}

/** Numbers the letter and starts its validity (the last approval hop, or issue when none is needed). */
async function issueLetter(t: Queryable, r: repo.TransferRow, today: string, rule: RuleVersion<TransferRule>) {
  const year = Number(today.slice(0, 4));
  const no = await repo.nextLetterNo(t, r.issuer_org_id!, year);
  const validDays = Math.min(rule.body.scopes[r.scope].validityDays, rule.body.maxValidityDays);
  const validUntil = addDays(today, validDays - 1);
  const dues = r.person_id ? await duesStanding(t, r.person_id, monthOf(today)) : { paidTo: null };
  return {
    status: 'issued', letter_year: year, letter_no: no, verify_code: crypto.randomBytes(18).toString('base64url'), issued_on: today, valid_days: validDays, valid_until: validUntil,
    dues_paid_to: dues.paidTo, receipt_due: r.kind === 'outgoing' ? addDays(validUntil, rule.body.receiptDays) : undefined,
  } as const;
}

export async function issueTransfer(deps: Deps, ctx: ActorContext, id: string, body: TransferDecisionBody) {
  const today = deps.clock.today();
  await deps.db.tx(async (t) => {
    const r = await lockForDecision(t, ctx, id, body.version);
    if (!onSendingSide(ctx, r, 'transfer.manage')) throw notFound();
    if (r.status !== 'draft') throw new AppError('TRANSFER_STATE', `介绍信${statusLabel(r.status)}，不能再开具`);
    const rule = await ruleFor(t, today);
    const set = r.approvals_needed > 0 ? { status: 'pending_approval' } : await issueLetter(t, r, today, rule);
    if (!(await repo.updateTransfer(t, id, r.version, set))) throw conflict();
    await repo.insertEvent(t, { transferId: id, action: 'issued', fromStatus: r.status, toStatus: set.status, eventDate: today, orgId: r.from_org_id, note: body.note ?? null, ruleVersionId: rule.id, actorId: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: 'transfer.issue', objectType: 'transfer', objectId: id, orgId: r.from_org_id, detail: { status: set.status } });
    if (set.status === 'issued') await notifySide(deps, t, { id: r.to_org_id, path: r.to_path }, `收到组织关系介绍信：${r.person_name}`, `${r.from_org_name}开具的介绍信，有效期至${(set as { valid_until: string }).valid_until}`, id);
  });
}

export async function approveTransfer(deps: Deps, ctx: ActorContext, id: string, body: TransferDecisionBody) {
  const today = deps.clock.today();
  await deps.db.tx(async (t) => {
    const r = await lockForDecision(t, ctx, id, body.version);
    if (r.status !== 'pending_approval') throw new AppError('TRANSFER_STATE', `介绍信${statusLabel(r.status)}，不在待审批状态`);
    const org = approvingOrg(ctx, r, await approverPaths(t, id));
    if (!org) throw new AppError('FORBIDDEN', '本级审批须由转出支部的上级党委办理，且逐级审批不能由同一级重复审批');
    const rule = await ruleFor(t, today);
    const done = r.approvals_done + 1;
    const set = done >= r.approvals_needed ? { ...(await issueLetter(t, r, today, rule)), approvals_done: done } : { approvals_done: done };
    if (!(await repo.updateTransfer(t, id, r.version, set))) throw conflict();
    const toStatus = 'status' in set ? set.status : r.status;
    await repo.insertEvent(t, { transferId: id, action: 'approved', fromStatus: r.status, toStatus, eventDate: today, orgId: org.id, note: body.note ?? null, ruleVersionId: rule.id, actorId: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: 'transfer.approve', objectType: 'transfer', objectId: id, orgId: r.from_org_id, detail: { hop: done, of: r.approvals_needed } });
    if (toStatus === 'issued') await notifySide(deps, t, { id: r.to_org_id, path: r.to_path }, `收到组织关系介绍信：${r.person_name}`, `${r.from_org_name}开具的介绍信已审批，请在有效期内办理接收`, id);
  });
}

/**
 * Acceptance: internal letters by the receiving branch (the member reported
 * in); outgoing letters by the sending side on the returned receipt (回执).
 */
export async function acceptTransfer(deps: Deps, ctx: ActorContext, id: string, body: AcceptTransferBody) {
  const today = deps.clock.today();
  if (body.acceptedOn > today) throw new AppError('VALIDATION_FAILED', '接收日期不能晚于今天', { issues: [{ field: 'acceptedOn', message: '接收日期不能晚于今天' }] });
  await deps.db.tx(async (t) => {
    const r = await lockForDecision(t, ctx, id, body.version);
    const mine = r.kind === 'outgoing' ? onSendingSide(ctx, r, 'transfer.manage') : onReceivingSide(ctx, r, 'transfer.manage');
    if (!mine) throw new AppError('FORBIDDEN', r.kind === 'outgoing' ? '转出本系统的介绍信由转出党组织凭回执确认' : '介绍信由接收党支部办理接收');
    if (r.status !== 'issued') throw new AppError('TRANSFER_STATE', `介绍信${statusLabel(r.status)}，不能接收`);
    if (body.acceptedOn < r.issued_on!) throw new AppError('VALIDATION_FAILED', `接收日期不能早于开具日期（${r.issued_on}）`, { issues: [{ field: 'acceptedOn', message: '接收日期不能早于开具日期' }] });
    if (r.kind === 'internal' && body.acceptedOn > r.valid_until!) throw new AppError('TRANSFER_EXPIRED', `介绍信有效期至${r.valid_until}，党员未在有效期内报到，不能接收；请转出党组织出具证明后重新开具`);
    const rule = await ruleFor(t, today);
    const note = `组织关系介绍信${letterCode(r) ?? ''}（${r.from_org_name} → ${r.to_org_name}）`;
    if (r.kind === 'internal') {
      const to = await repo.findReceivingOrg(t, r.to_org_id!);
      await transferMember(t, { personId: r.person_id!, orgId: r.from_org_id!, actorId: ctx.actor.accountId, toOrg: { id: to!.id, region_key: to!.region_key }, acceptedOn: body.acceptedOn, status: r.member_status, note });
      await moveOpenFileOf(t, r.person_id!, { id: to!.id, region_key: to!.region_key });
    } else {
      await transferOutOfInstallation(t, { personId: r.person_id!, orgId: r.from_org_id!, actorId: ctx.actor.accountId, receivedOn: body.acceptedOn, status: r.member_status, note }, ctx);
    }
    const set = { status: 'accepted', accepted_on: body.acceptedOn, receipt_on: r.kind === 'internal' ? body.acceptedOn : today };
    if (!(await repo.updateTransfer(t, id, r.version, set))) throw conflict();
    await repo.insertEvent(t, { transferId: id, action: r.kind === 'outgoing' ? 'receipt' : 'accepted', fromStatus: r.status, toStatus: 'accepted', eventDate: body.acceptedOn, orgId: r.kind === 'outgoing' ? r.from_org_id : r.to_org_id, note: body.note ?? null, ruleVersionId: rule.id, actorId: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: 'transfer.accept', objectType: 'transfer', objectId: id, orgId: r.to_org_id ?? r.from_org_id, detail: { personId: r.person_id, acceptedOn: body.acceptedOn } });
    if (r.kind === 'internal') await notifySide(deps, t, { id: r.from_org_id, path: r.from_path }, `组织关系已转入：${r.person_name}`, `${r.to_org_name}已于${body.acceptedOn}接收`, id);
  });
}

export async function rejectTransfer(deps: Deps, ctx: ActorContext, id: string, body: RejectTransferBody) {
  const today = deps.clock.today();
  await deps.db.tx(async (t) => {
    const r = await lockForDecision(t, ctx, id, body.version);
    // the receiving branch returns an issued letter; an approver returns one in approval
    const asReceiver = r.status === 'issued' && r.kind === 'internal' && onReceivingSide(ctx, r, 'transfer.manage');
    const asApprover = r.status === 'pending_approval' && !!approvingOrg(ctx, r, await approverPaths(t, id));
    if (!asReceiver && !asApprover) {
      if (r.status !== 'issued' && r.status !== 'pending_approval') throw new AppError('TRANSFER_STATE', `介绍信${statusLabel(r.status)}，不能退回`);
      throw new AppError('FORBIDDEN', '介绍信由接收党支部或审批的上级党委退回');
    }
    if (!(await repo.updateTransfer(t, id, r.version, { status: 'rejected', closed_reason: body.reason }))) throw conflict();
    await repo.insertEvent(t, { transferId: id, action: 'rejected', fromStatus: r.status, toStatus: 'rejected', eventDate: today, orgId: asReceiver ? r.to_org_id : null, note: body.reason, ruleVersionId: null, actorId: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: 'transfer.reject', objectType: 'transfer', objectId: id, orgId: r.from_org_id, detail: { reason: body.reason } });
    await notifySide(deps, t, { id: r.from_org_id, path: r.from_path }, `组织关系介绍信被退回：${r.person_name}`, body.reason, id);
  });
}

export async function revokeTransfer(deps: Deps, ctx: ActorContext, id: string, body: RejectTransferBody) {
  const today = deps.clock.today();
  await deps.db.tx(async (t) => {
    const r = await lockForDecision(t, ctx, id, body.version);
    if (!onSendingSide(ctx, r, 'transfer.manage')) throw notFound();
    if (r.status !== 'draft' && r.status !== 'pending_approval' && r.status !== 'issued') throw new AppError('TRANSFER_STATE', `介绍信${statusLabel(r.status)}，不能撤销`);
    if (!(await repo.updateTransfer(t, id, r.version, { status: 'revoked', closed_reason: body.reason }))) throw conflict();
    await repo.insertEvent(t, { transferId: id, action: 'revoked', fromStatus: r.status, toStatus: 'revoked', eventDate: today, orgId: r.from_org_id, note: body.reason, ruleVersionId: null, actorId: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: 'transfer.revoke', objectType: 'transfer', objectId: id, orgId: r.from_org_id, detail: { reason: body.reason } });
    if (r.status === 'issued') await notifySide(deps, t, { id: r.to_org_id, path: r.to_path }, `组织关系介绍信已撤销：${r.person_name}`, body.reason, id);
  });
}

/** The letter as a printable PDF (both sides may print it once it is numbered). */
export async function renderLetter(deps: Deps, ctx: ActorContext, id: string, origin: string): Promise<{ data: Buffer; fileName: string }> {
  const r = await repo.findTransfer(deps.db, id, visibleTo(ctx));
  if (!r) throw notFound();
  const code = r.kind !== 'incoming' ? letterCode(r) : null;
  if (!code || !r.verify_code) throw new AppError('TRANSFER_STATE', '介绍信尚未开具（草稿或审批中的介绍信没有编号），开具后才能打印');
  const data = await renderTransferLetter({ row: r, code, verifyUrl: `${origin}/verify/transfer/${r.verify_code}` });
  await audit(deps.db, ctx, { action: 'transfer.letter_print', objectType: 'transfer', objectId: id, orgId: r.from_org_id });
  return { data, fileName: `组织关系介绍信${code}${r.person_name}.pdf` };
}

/** The public check behind the QR code: whether a letter with this code exists, and whether it is still valid. */
export async function verifyLetter(deps: Deps, code: string): Promise<TransferLetterCheck> {
  const r = await repo.findByVerifyCode(deps.db, code);
  if (!r || !r.issued_on || !r.valid_until) throw new AppError('NOT_FOUND', '未找到该介绍信：核验码不正确，或介绍信不是本系统开具的');
  const today = deps.clock.today();
  const valid = r.status === 'issued' && today <= r.valid_until;
  const message = valid ? `介绍信真实有效，有效期至${r.valid_until}`
    : r.status === 'accepted' ? '介绍信真实，已办理接收（不能再次使用）'
    : r.status === 'issued' || r.status === 'expired' ? `介绍信真实，但已超过有效期（至${r.valid_until}）`
    : `介绍信真实，但${statusLabel(r.status)}，不能使用`;
  return { letterCode: letterCode(r)!, issuerOrgName: r.issuer_org_name ?? r.from_org_name, toOrgName: r.to_org_name, issuedOn: r.issued_on, validUntil: r.valid_until, status: r.status, valid, message };
}

/**
 * 外来介绍信: a member reports in with a paper letter from an organisation
 * outside the installation. The receiving branch registers the letter and the
 * member at once: the person record (member domain, event 转入) and an accepted
 * transfer with its events. An expired letter is refused (RULES §4).
 */
export async function registerIncomingLetter(deps: Deps, ctx: ActorContext, body: RegisterIncomingLetterBody): Promise<string> {
  const today = deps.clock.today();
  if (body.acceptedOn > today) throw new AppError('VALIDATION_FAILED', '报到日期不能晚于今天', { issues: [{ field: 'acceptedOn', message: '报到日期不能晚于今天' }] });
  if (body.issuedOn > body.acceptedOn) throw new AppError('VALIDATION_FAILED', '开具日期不能晚于报到日期', { issues: [{ field: 'issuedOn', message: '开具日期不能晚于报到日期' }] });
  const validUntil = addDays(body.issuedOn, body.validDays - 1);
  if (body.acceptedOn > validUntil) throw new AppError('TRANSFER_EXPIRED', `介绍信有效期至${validUntil}，报到时已过期；请党员向原党组织申请重新开具`);
  const rec = prepareRecord(deps, body, today);
  try {
    return await deps.db.tx(async (t) => {
      const org = await repo.findReceivingOrg(t, body.orgId);
      if (!org || !covers(ctx.actor, 'transfer.manage', org)) throw notFound();
      if (!BRANCH_TYPES.includes(org.type as OrgType)) throw new AppError('TRANSFER_TARGET_INVALID', '党员的组织关系应转入党支部（含联合党支部、临时党支部），请选择党支部', { issues: [{ field: 'orgId', message: '请选择党支部' }] });
      if (org.dissolved_on) throw new AppError('ORG_DISSOLVED');
      const rule = await ruleFor(t, today);
      const personId = await insertMember(t, ctx, org, rec, 'transfer_in', body.acceptedOn);
      const id = await repo.insertIncomingTransfer(t, {
        scope: body.scope, personId, personName: body.name, memberStatus: body.status, externalOrgName: body.externalOrgName, externalLetterNo: body.externalLetterNo,
        toOrg: org, reason: body.reason, issuedOn: body.issuedOn, validDays: body.validDays, validUntil, duesPaidTo: body.duesPaidTo ?? null, acceptedOn: body.acceptedOn,
        ruleVersionId: rule.id, actorId: ctx.actor.accountId,
      });
      await repo.insertEvent(t, { transferId: id, action: 'registered', fromStatus: null, toStatus: 'issued', eventDate: today, orgId: org.id, note: `${body.externalOrgName} ${body.externalLetterNo}`, ruleVersionId: rule.id, actorId: ctx.actor.accountId });
      await repo.insertEvent(t, { transferId: id, action: 'accepted', fromStatus: 'issued', toStatus: 'accepted', eventDate: body.acceptedOn, orgId: org.id, note: null, ruleVersionId: rule.id, actorId: ctx.actor.accountId });
      await auditInTx(t, ctx, { action: 'transfer.register_incoming', objectType: 'transfer', objectId: id, orgId: org.id, detail: { personId } });
      return id;
    });
  } catch (e) {
    if (isUniqueViolation(e, 'person_id_no_living')) throw new AppError('DUPLICATE_ID_NUMBER', '该身份证号已属于本系统内一名在册党员或正在发展的入党申请人：系统内转接请由原支部开具介绍信', { issues: [{ field: 'idNumber', message: ERROR_CODES.DUPLICATE_ID_NUMBER.message }] });
    throw e;
  }
}

/** 待我审批: letters awaiting an approval hop the caller may decide, oldest first. */
export async function listPendingTransferApprovals(deps: Deps, ctx: ActorContext, limit: number): Promise<{ items: ApprovalItem[]; total: number }> {
  const rows = await repo.listTransfers(deps.db, { visible: sending(ctx, 'transfer.approve'), statuses: ['pending_approval'] }, 1000, 0);
  const mine: repo.TransferRow[] = [];
  // the hops done so far, for every pending letter in one query
  const done = new Map<string, string[]>();
  for (const a of rows.length ? await repo.listApproverPaths(deps.db, rows.map((r) => r.id)) : []) done.set(a.transfer_id, [...(done.get(a.transfer_id) ?? []), a.path]);
  for (const r of rows) if (approvingOrg(ctx, r, done.get(r.id) ?? [])) mine.push(r);
  mine.sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
  const items = mine.slice(0, limit).map((r): ApprovalItem => ({
    kind: 'transfer_letter', key: `transfer:${r.id}`, objectId: r.id, personId: r.person_id!, personName: r.person_name, orgId: r.from_org_id!, orgName: r.from_org_name, step: null,
    asked: `组织关系转接审批（${TRANSFER_SCOPES[r.scope]}，第${r.approvals_done + 1}级）`, detail: `转往${r.to_org_name}：${r.reason}`, since: r.created_at.slice(0, 10), due: null, overdue: false,
    link: `/admin/transfers/${r.id}`,
  }));
  return { items, total: mine.length };
}

/** The receiving branch of a letter: any branch of the installation, by name (the letter names it; nothing of its records is read). */
export async function searchReceivingOrgs(deps: Deps, term: string) {
  const rows = await repo.searchReceivingBranches(deps.db, term, BRANCH_TYPES, 20);
  return { items: rows.map((r) => ({ id: r.id, name: r.name, parentName: r.parent_name, committeeName: r.committee_name })) };
}

const statusLabel = (s: repo.TransferRow['status']) => ({ draft: '尚未开具', pending_approval: '正在审批', issued: '已开具', accepted: '已接收', rejected: '已退回', revoked: '已撤销', expired: '已过期' })[s];

export async function listTransfers(deps: Deps, ctx: ActorContext, query: ListTransfersQuery) {
  const today = deps.clock.today();
  const rule = await ruleFor(deps.db, today);
  let visible = visibleTo(ctx);
  let recordedUnder: string | undefined;
  if (query.orgId) {
    const o = await repo.findReceivingOrg(deps.db, query.orgId);
    if (!o || !covers(ctx.actor, 'transfer.read', o)) throw notFound();
    visible = repo.transferVisible(repo.underPath('fo', o.path), repo.underPath('tgo', o.path));
    visible = and([visible, visibleTo(ctx)]);
    if (query.orgRole === 'recorded') recordedUnder = o.path;
  }
  const statuses = query.status === 'all' || query.status === 'expiring' ? undefined
    : query.status === 'open' ? ['draft', 'pending_approval', 'issued'] : query.status === 'approval' ? ['pending_approval'] : [query.status];
  const filter: repo.TransferFilter = {
    visible, statuses, q: query.q, personId: query.personId, kind: query.kind, issuedFrom: query.issuedFrom, issuedTo: query.issuedTo, recordedUnder,
    expiringBefore: query.status === 'expiring' ? addDays(today, rule.body.remindDaysBeforeExpiry) : undefined,
    side: query.direction === 'all' ? undefined : { direction: query.direction, sending: sending(ctx), receiving: receiving(ctx) },
  };
  const [rows, total] = await Promise.all([
    repo.listTransfers(deps.db, filter, query.pageSize, (query.page - 1) * query.pageSize),
    repo.countTransfers(deps.db, filter),
  ]);
  return { items: rows.map((r) => listItem(ctx, r, today, rule.body.remindDaysBeforeExpiry)), total, page: query.page, pageSize: query.pageSize };
}

export async function getTransfer(deps: Deps, ctx: ActorContext, id: string): Promise<TransferDetail> {
  const today = deps.clock.today();
  const r = await repo.findTransfer(deps.db, id, visibleTo(ctx));
  if (!r) throw notFound();
  const rule = await ruleFor(deps.db, today);
  const events = await repo.listEvents(deps.db, id);
  const item = listItem(ctx, r, today, rule.body.remindDaysBeforeExpiry);
  const manageSend = onSendingSide(ctx, r, 'transfer.manage');
  const manageReceive = onReceivingSide(ctx, r, 'transfer.manage');
  const canApprove = r.status === 'pending_approval' && !!approvingOrg(ctx, r, await approverPaths(deps.db, id));
  return {
    ...item,
    reason: r.reason, sex: r.sex, idMasked: r.id_masked, issuerOrgName: r.issuer_org_name, validDays: r.valid_days, duesPaidTo: r.dues_paid_to,
    receiptDue: r.receipt_due, receiptOn: r.receipt_on, closedReason: r.closed_reason, ruleSource: r.rule_source,
    events: events.map((e) => ({ action: e.action as TransferDetail['events'][number]['action'], fromStatus: e.from_status as TransferDetail['status'] | null, toStatus: e.to_status as TransferDetail['status'], eventDate: e.event_date, orgName: e.org_name, note: e.note, actorName: e.actor_name, recordedAt: e.recorded_at })),
    can: {
      issue: manageSend && r.status === 'draft',
      approve: canApprove,
      accept: r.status === 'issued' && (r.kind === 'outgoing' ? manageSend : manageReceive),
      reject: (r.status === 'issued' && r.kind === 'internal' && manageReceive) || canApprove,
      revoke: manageSend && ['draft', 'pending_approval', 'issued'].includes(r.status),
    },
  };
}

/**
 * The daily job: letters past their validity expire (both sides told); the
 * receiving side is reminded the configured days before. Returns the counts.
 */
export async function expireAndRemind(deps: Deps, ctx: RequestContext): Promise<{ expired: number; reminded: number }> {
  const today = deps.clock.today();
  const rule = await ruleFor(deps.db, today);
  let expired = 0;
  for (;;) {
    const n = await deps.db.tx(async (t) => {
      const rows = await repo.lockExpiredLetters(t, today, 200);
      for (const r of rows) {
        if (!(await repo.updateTransfer(t, r.id, r.version, { status: 'expired', closed_reason: `超过有效期（至${r.valid_until}）` }))) continue;
        await repo.insertEvent(t, { transferId: r.id, action: 'expired', fromStatus: 'issued', toStatus: 'expired', eventDate: today, orgId: null, note: `有效期至${r.valid_until}`, ruleVersionId: rule.id, actorId: null });
        await auditInTx(t, ctx, { action: 'transfer.expire', objectType: 'transfer', objectId: r.id, orgId: r.from_org_id, detail: { validUntil: r.valid_until } });
        const title = `组织关系介绍信已过期：${r.person_name}`;
        const body = `${r.from_org_name} → ${r.to_org_name}，有效期至${r.valid_until}。如仍需转接，请转出党组织重新开具。`;
        await notifySide(deps, t, { id: r.from_org_id, path: r.from_path }, title, body, r.id);
        await notifySide(deps, t, { id: r.to_org_id, path: r.to_path }, title, body, r.id);
      }
      return rows.length;
    });
    expired += n;
    if (n < 200) break;
  }
  const ending = await repo.lettersEndingOn(deps.db, addDays(today, rule.body.remindDaysBeforeExpiry));
  let reminded = 0;
  for (const r of ending) {
    await deps.db.tx(async (t) => {
      if (!(await repo.logReminderOnce(t, r.id, `expiry:${r.valid_until}`))) return;
      await notifySide(deps, t, { id: r.to_org_id, path: r.to_path }, `介绍信即将到期：${r.person_name}`, `有效期至${r.valid_until}，请督促党员按时报到并办理接收`, r.id);
      reminded++;
    });
  }
  return { expired, reminded };
}

