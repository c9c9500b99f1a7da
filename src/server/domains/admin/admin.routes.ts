import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { AccountPage, CreateAccountBody, GrantRoleBody, ListAccountsQuery, UpdateAccountBody } from '../../../contracts/admin';
import { Created, IdParams, Ok } from '../../../contracts/common';
import * as service from './admin.service';


export function registerAdminRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/accounts', operationId: 'listAccounts', summary: '账号列表', tags: ['admin'], access: 'account.manage',
    schema: { querystring: ListAccountsQuery, response: { 200: AccountPage } },
    handler: async (req) => service.listAccounts(deps, req.query.q, req.query.page, req.query.pageSize),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/accounts', operationId: 'createAccount', summary: '新建账号', tags: ['admin'], access: 'account.manage',
    schema: { body: CreateAccountBody, response: { 201: Created } },
    handler: async (req, reply) => {
      const id = await service.createAccount(deps, contextOf(req), req.body);
      reply.code(201);
      return { id };
    },
  });
  defineRoute(app, db, {
    method: 'PATCH', url: '/api/v1/accounts/:id', operationId: 'updateAccount', summary: '修改、停用账号或重置密码', tags: ['admin'], access: 'account.manage',
    schema: { params: IdParams, body: UpdateAccountBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.updateAccount(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/accounts/:id/grants', operationId: 'grantRole', summary: '授予角色', tags: ['admin'], access: 'role.grant',
    schema: { params: IdParams, body: GrantRoleBody, response: { 201: Created } },
    handler: async (req, reply) => {
      const id = await service.grantRole(deps, contextOf(req), req.params.id, req.body);
      reply.code(201);
      return { id };
    },
  });
  defineRoute(app, db, {
    method: 'DELETE', url: '/api/v1/accounts/:id/grants/:grantId', operationId: 'revokeRole', summary: '收回角色', tags: ['admin'], access: 'role.grant',
    schema: { params: z.object({ id: z.uuid(), grantId: z.uuid() }), response: { 200: Ok } },
    handler: async (req) => {
      await service.revokeRole(deps, contextOf(req), req.params.id, req.params.grantId);
      return { ok: true as const };
    },
  });
}
