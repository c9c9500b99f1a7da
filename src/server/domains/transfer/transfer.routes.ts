import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { Created, Ok } from '../../../contracts/common';
import {
  AcceptTransferBody, CreateTransferBody, ListTransfersQuery, RejectTransferBody, TransferDecisionBody, TransferDetail, TransferPage, TransferPreview,
} from '../../../contracts/transfer';
import * as service from './transfer.service';

const IdParams = z.object({ id: z.uuid({ message: '编号格式不正确' }) });
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
}
