import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { Created, IdParams, Ok } from '../../../contracts/common';
import {
  AcceptTransferBody, CreateTransferBody, ListTransfersQuery, RegisterIncomingLetterBody, RejectTransferBody, TransferDecisionBody, TransferDetail, TransferLetterCheck, TransferPage, TransferPreview,
} from '../../../contracts/transfer';
import { attachmentHeaders } from '../../platform/files';
import * as service from './transfer.service';
import * as mobile from './transfer.mobile';
import * as requests from './transfer.requests';
import { LostContactDecisionList } from '../../../contracts/transfer';
import { DeclineTransferRequestBody, MyTransfers, RequestMyTransferBody, TransferRequestList } from '../../../contracts/transfer';
import { ReceivingOrgList, ReceivingOrgQuery } from '../../../contracts/transfer';
import {
  DecideLostContactBody, FlowActionBody, IssueFlowCertificateBody, ListLostContactQuery, ListMobileMembersQuery, LostContactPage, MobileMemberPage, ProposeLostContactDecisionBody, RecordMemberContactBody,
} from '../../../contracts/transfer';

const CodeParams = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, { message: '核验码格式不正确' }) });
const PreviewQuery = z.object({
  personId: z.uuid({ message: '请选择转出的党员' }),
  toOrgId: z.uuid().optional(),
  outsideScope: z.enum(['province', 'national']).optional(),
});

export function registerTransferRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/transfers', operationId: 'listTransfers', summary: '组织关系转接列表（转出、转入、审批中、即将到期），按本人管理范围', tags: ['transfer'], access: 'transfer.read',
    schema: { querystring: ListTransfersQuery, response: { 200: TransferPage } },
    handler: async (req) => service.listTransfers(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/transfers/receiving-orgs', operationId: 'searchReceivingOrgs', summary: '按名称查找接收党支部（本系统内任一党支部，仅返回组织名称）', tags: ['transfer'], access: 'transfer.manage',
    schema: { querystring: ReceivingOrgQuery, response: { 200: ReceivingOrgList } },
    handler: async (req) => service.searchReceivingOrgs(deps, req.query.q),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/transfers/preview', operationId: 'previewTransfer', summary: '开具前预览：转接范围、有效期、审批层级与党费交纳情况', tags: ['transfer'], access: 'transfer.manage',
    schema: { querystring: PreviewQuery, response: { 200: TransferPreview } },
    handler: async (req) => service.previewTransfer(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/transfers', operationId: 'createTransfer', summary: '起草组织关系介绍信（转出支部）', tags: ['transfer'], access: 'transfer.manage',
    schema: { body: CreateTransferBody, response: { 201: Created } },
    handler: async (req, reply) => {
      const id = await service.createTransfer(deps, contextOf(req), req.body);
      return reply.code(201).send({ id });
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/transfers/:id', operationId: 'getTransfer', summary: '介绍信详情与办理记录（接收方只看到介绍信所载内容）', tags: ['transfer'], access: 'transfer.read',
    schema: { params: IdParams, response: { 200: TransferDetail } },
    handler: async (req) => service.getTransfer(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/transfers/:id/issue', operationId: 'issueTransfer', summary: '开具介绍信（需审批的转接范围进入上级审批）', tags: ['transfer'], access: 'transfer.manage',
    schema: { params: IdParams, body: TransferDecisionBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.issueTransfer(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/transfers/:id/approve', operationId: 'approveTransfer', summary: '上级党委审批介绍信（逐级记录）', tags: ['transfer'], access: 'transfer.approve',
    schema: { params: IdParams, body: TransferDecisionBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.approveTransfer(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/transfers/:id/accept', operationId: 'acceptTransfer', summary: '接收党员组织关系（转出本系统的介绍信凭回执确认）', tags: ['transfer'], access: 'transfer.manage',
    schema: { params: IdParams, body: AcceptTransferBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.acceptTransfer(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/transfers/:id/reject', operationId: 'rejectTransfer', summary: '退回介绍信（须说明原因）', tags: ['transfer'], access: 'transfer.manage',
    schema: { params: IdParams, body: RejectTransferBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.rejectTransfer(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/transfers/:id/revoke', operationId: 'revokeTransfer', summary: '撤销介绍信（转出支部，须说明原因）', tags: ['transfer'], access: 'transfer.manage',
    schema: { params: IdParams, body: RejectTransferBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.revokeTransfer(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/transfers/:id/letter', operationId: 'renderTransferLetter', summary: '打印组织关系介绍信（A4 PDF：存根、介绍信、回执，附核验二维码）', tags: ['transfer'], access: 'transfer.read',
    schema: { params: IdParams },
    handler: async (req, reply) => {
      const letter = await service.renderLetter(deps, contextOf(req), req.params.id, `${req.protocol}://${req.host}`);
      return reply.headers(attachmentHeaders(letter.fileName, 'application/pdf')).send(letter.data);
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/public/transfer-letters/:code', operationId: 'verifyTransferLetter', summary: '核验介绍信真伪与有效期（公开，凭介绍信上的核验码；不含个人信息）', tags: ['transfer'], access: 'public',
    schema: { params: CodeParams, response: { 200: TransferLetterCheck } },
    config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
    handler: async (req) => service.verifyLetter(deps, req.params.code),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/transfers/incoming', operationId: 'registerIncomingLetter', summary: '登记外来介绍信（本系统以外党组织开具，党员报到时建档并转入）', tags: ['transfer'], access: 'transfer.manage',
    schema: { body: RegisterIncomingLetterBody, response: { 201: Created } },
    handler: async (req, reply) => {
      const id = await service.registerIncomingLetter(deps, contextOf(req), req.body);
      return reply.code(201).send({ id });
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/mobile-members', operationId: 'issueFlowCertificate', summary: '发放流动党员活动证（基层党委编号，组织关系仍在原支部）', tags: ['transfer'], access: 'transfer.manage',
    schema: { body: IssueFlowCertificateBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await mobile.issueFlowCertificate(deps, contextOf(req), req.body) }),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/mobile-members', operationId: 'listMobileMembers', summary: '流动党员：本支部外出的（outgoing）与在本支部参加组织生活的（incoming）', tags: ['transfer'], access: 'transfer.read',
    schema: { querystring: ListMobileMembersQuery, response: { 200: MobileMemberPage } },
    handler: async (req) => mobile.listMobileMembers(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/mobile-members/:id/actions', operationId: 'recordFlowAction', summary: '流动党员活动证：流入地登记、续期、登记年度报告、收回', tags: ['transfer'], access: 'transfer.manage',
    schema: { params: IdParams, body: FlowActionBody, response: { 200: Ok } },
    handler: async (req) => {
      await mobile.recordFlowAction(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/lost-contact-members', operationId: 'listLostContactMembers', summary: '失联党员与自行脱党风险名单（附判断依据，不自动处理）', tags: ['transfer'], access: 'transfer.read',
    schema: { querystring: ListLostContactQuery, response: { 200: LostContactPage } },
    handler: async (req) => mobile.listLostContactMembers(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/members/:id/contacts', operationId: 'recordMemberContact', summary: '登记与党员的联系（是否联系上）', tags: ['transfer'], access: 'transfer.manage',
    schema: { params: IdParams, body: RecordMemberContactBody, response: { 200: Ok } },
    handler: async (req) => {
      await mobile.recordMemberContact(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/members/:id/lost-contact-decisions', operationId: 'proposeLostContactDecision', summary: '支部对失联党员作出处理决议（停止党籍、除名、恢复联系），报上级党委审批', tags: ['transfer'], access: 'transfer.manage',
    schema: { params: IdParams, body: ProposeLostContactDecisionBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await mobile.proposeLostContactDecision(deps, contextOf(req), req.params.id, req.body) }),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/lost-contact-decisions', operationId: 'listLostContactDecisions', summary: '失联党员处理决定（待审批在前）', tags: ['transfer'], access: 'transfer.read',
    schema: { querystring: z.object({ proposed: z.enum(['true', 'false']).default('false') }), response: { 200: LostContactDecisionList } },
    handler: async (req) => mobile.listLostContactDecisions(deps, contextOf(req), req.query.proposed === 'true'),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/lost-contact-decisions/:id/decision', operationId: 'decideLostContact', summary: '上级党委审批失联党员处理决议', tags: ['transfer'], access: 'transfer.approve',
    schema: { params: IdParams, body: DecideLostContactBody, response: { 200: Ok } },
    handler: async (req) => {
      await mobile.decideLostContact(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/transfers', operationId: 'getMyTransfers', summary: '本人的组织关系转接：介绍信办理进度、转接申请、流动党员活动证', tags: ['transfer'], access: 'self.read',
    schema: { response: { 200: MyTransfers } },
    handler: async (req) => requests.myTransfers(deps, contextOf(req)),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/transfer-requests', operationId: 'requestMyTransfer', summary: '党员本人申请转接组织关系（由支部办理）', tags: ['transfer'], access: 'self.read',
    schema: { body: RequestMyTransferBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await requests.requestMyTransfer(deps, contextOf(req), req.body) }),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/transfer-requests/:id/withdraw', operationId: 'withdrawMyTransferRequest', summary: '撤回本人尚未办理的转接申请', tags: ['transfer'], access: 'self.read',
    schema: { params: IdParams, body: z.object({ version: z.number().int() }), response: { 200: Ok } },
    handler: async (req) => {
      await requests.withdrawMyTransferRequest(deps, contextOf(req), req.params.id, req.body.version);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/transfer-requests', operationId: 'listTransferRequests', summary: '党员提交的转接申请（待办在前）', tags: ['transfer'], access: 'transfer.read',
    schema: { querystring: z.object({ open: z.enum(['true', 'false']).default('false') }), response: { 200: TransferRequestList } },
    handler: async (req) => requests.listTransferRequests(deps, contextOf(req), req.query.open === 'true'),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/transfer-requests/:id/decline', operationId: 'declineTransferRequest', summary: '不同意党员的转接申请（须说明原因）', tags: ['transfer'], access: 'transfer.manage',
    schema: { params: IdParams, body: DeclineTransferRequestBody, response: { 200: Ok } },
    handler: async (req) => {
      await requests.declineTransferRequest(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
}
