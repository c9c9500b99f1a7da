import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, conflict, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { isUniqueViolation } from '../../platform/db';
import { covers, orgInScope, unscoped } from '../../platform/scope';
import { BRANCH_TYPES, type OrgType } from '../../../contracts/dict';
import type { MyTransfers, RequestMyTransferBody, TransferRequestView } from '../../../contracts/transfer';
import { findMemberInScope } from '../member';
import * as repo from './transfer.repo';
import { openFlowOfPerson } from './mobile.repo';
import { certificateCode } from './transfer.mobile';
import { letterCode, notifySide } from './transfer.service';

// The member's own side on the phone: their letters, their 活动证, and a
// request to transfer that the branch decides (it drafts a letter, which
// closes the request, or declines with a reason).

function myPersonId(ctx: ActorContext): string {
  if (!ctx.actor.personId) throw new AppError('NOT_FOUND', '您的账号未关联党员档案，请联系支部书记');
  return ctx.actor.personId;
}

export function requestView(r: repo.RequestRow): TransferRequestView {
  return {
    id: r.id, personId: r.person_id, personName: r.person_name, orgId: r.org_id, orgName: r.org_name, toOrgId: r.to_org_id, destination: r.destination, reason: r.reason,
    status: r.status, transferId: r.transfer_id, answer: r.answer, createdAt: r.created_at, version: r.version,
  };
}

export async function myTransfers(deps: Deps, ctx: ActorContext): Promise<MyTransfers> {
  const personId = myPersonId(ctx);
  const [letters, requests, flow] = await Promise.all([repo.lettersOfPerson(deps.db, personId), repo.requestsOfPerson(deps.db, personId), openFlowOfPerson(deps.db, personId)]);
  return {
    letters: letters
      // a draft or a letter in approval is the branch's business until it is issued
      .filter((l) => l.status !== 'draft' && l.status !== 'pending_approval')
      .map((l) => ({ id: l.id, kind: l.kind, status: l.status, fromOrgName: l.from_org_name, toOrgName: l.to_org_name, letterCode: letterCode(l), issuedOn: l.issued_on, validUntil: l.valid_until, acceptedOn: l.accepted_on, createdAt: l.created_at })),
    requests: requests.map(requestView),
    flow: flow ? { certificateCode: certificateCode(flow), destination: flow.destination, validUntil: flow.valid_until, status: flow.status } : null,
  };
}

export async function requestMyTransfer(deps: Deps, ctx: ActorContext, body: RequestMyTransferBody): Promise<string> {
  const personId = myPersonId(ctx);
  try {
    return await deps.db.tx(async (t) => {
      // the member's own record: the person is the signed-in member
      const m = await findMemberInScope(t, personId, unscoped('the signed-in member\'s own record'));
      if (!m) throw new AppError('MEMBER_NOT_CURRENT');
      if (await repo.openTransferOf(t, personId)) throw new AppError('TRANSFER_OPEN', '支部已在为您办理组织关系转接，请留意办理进度');
      if (body.toOrgId) {
        const to = await repo.findReceivingOrg(t, body.toOrgId);
        if (!to || !BRANCH_TYPES.includes(to.type as OrgType) || to.dissolved_on || to.id === m.org_id) throw new AppError('TRANSFER_TARGET_INVALID', undefined, { issues: [{ field: 'toOrgId', message: '请重新选择接收的党支部' }] });
      }
      const id = await repo.insertRequest(t, { personId, orgId: m.org_id, toOrgId: body.toOrgId ?? null, destination: body.destination, reason: body.reason });
      await auditInTx(t, ctx, { action: 'transfer.request', objectType: 'transfer_request', objectId: id, orgId: m.org_id });
      await notifySide(deps, t, { id: m.org_id, path: m.org_path }, `党员申请转接组织关系：${m.name}`, `转往${body.destination}：${body.reason}`, null);
      return id;
    });
  } catch (e) {
    if (isUniqueViolation(e, 'transfer_request_one_open')) throw new AppError('TRANSFER_OPEN', '您已提交过转接申请，请等待支部办理');
    throw e;
  }
}

export async function withdrawMyTransferRequest(deps: Deps, ctx: ActorContext, id: string, version: number) {
  const personId = myPersonId(ctx);
  await deps.db.tx(async (t) => {
    const r = await repo.findRequest(t, id, repo.requestOfPerson(personId));
    if (!r) throw notFound();
    if (r.status !== 'open') throw new AppError('TRANSFER_STATE', '申请已由支部办理，不能撤回');
    if (!(await repo.answerRequest(t, id, version, { status: 'withdrawn', by: ctx.actor.accountId }))) throw conflict();
    await auditInTx(t, ctx, { action: 'transfer.request_withdraw', objectType: 'transfer_request', objectId: id, orgId: r.org_id });
  });
}

export async function listTransferRequests(deps: Deps, ctx: ActorContext, openOnly: boolean) {
  const rows = await repo.listRequests(deps.db, orgInScope(ctx.actor, 'transfer.read'), openOnly, 200);
  return { items: rows.map(requestView) };
}

export async function declineTransferRequest(deps: Deps, ctx: ActorContext, id: string, body: { version: number; answer: string }) {
  await deps.db.tx(async (t) => {
    const r = await repo.findRequest(t, id, orgInScope(ctx.actor, 'transfer.read'));
    if (!r || !covers(ctx.actor, 'transfer.manage', { id: r.org_id, path: r.org_path })) throw notFound();
    if (r.status !== 'open') throw new AppError('TRANSFER_STATE', '该申请已办理');
    if (!(await repo.answerRequest(t, id, body.version, { status: 'declined', answer: body.answer, by: ctx.actor.accountId }))) throw conflict();
    await auditInTx(t, ctx, { action: 'transfer.request_decline', objectType: 'transfer_request', objectId: id, orgId: r.org_id, detail: { answer: body.answer } });
  });
}
