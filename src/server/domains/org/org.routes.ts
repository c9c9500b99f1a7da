import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { CreateOrgBody, DissolveOrgBody, ElectCommitteeBody, MoveOrgBody, OrgDetail, OrgList, OrgWarningList, UpdateOrgBody } from '../../../contracts/org';
import { Created, IdParams, Ok, Text } from '../../../contracts/common';
import * as service from './org.service';


export function registerOrgRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/orgs/children', operationId: 'listOrgChildren', summary: '下级组织（不带 parentId 时为本人管理范围的顶层组织）', tags: ['org'], access: 'org.read',
    schema: { querystring: z.object({ parentId: z.uuid().optional(), includeDissolved: z.enum(['true', 'false']).default('false') }), response: { 200: OrgList } },
    handler: async (req) => ({ items: await service.listOrgChildren(deps, contextOf(req), req.query.parentId, req.query.includeDissolved === 'true') }),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/orgs/search', operationId: 'searchOrgs', summary: '按名称查找组织', tags: ['org'], access: 'org.read',
    schema: { querystring: z.object({ q: Text.trim().min(1).max(50) }), response: { 200: OrgList } },
    handler: async (req) => ({ items: await service.searchOrgs(deps, contextOf(req), req.query.q) }),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/orgs/warnings', operationId: 'listOrgWarnings', summary: '管理范围内各组织的设置检查结果（须整改在前）', tags: ['org'], access: 'org.read',
    schema: { querystring: z.object({ orgId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }), response: { 200: OrgWarningList } },
    handler: async (req) => service.listOrgWarnings(deps, contextOf(req), req.query.orgId, req.query.limit),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/orgs/:id', operationId: 'getOrg', summary: '组织详情（含班子、设置检查）', tags: ['org'], access: 'org.read',
    schema: { params: IdParams, response: { 200: OrgDetail } },
    handler: async (req) => service.getOrg(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/orgs', operationId: 'createOrg', summary: '新建组织', tags: ['org'], access: 'org.create',
    schema: { body: CreateOrgBody, response: { 201: Created } },
    handler: async (req, reply) => {
      const id = await service.createOrg(deps, contextOf(req), req.body);
      reply.code(201);
      return { id };
    },
  });
  defineRoute(app, db, {
    method: 'PATCH', url: '/api/v1/orgs/:id', operationId: 'updateOrg', summary: '编辑组织', tags: ['org'], access: 'org.update',
    schema: { params: IdParams, body: UpdateOrgBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.updateOrg(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/orgs/:id/move', operationId: 'moveOrg', summary: '调整隶属关系（整棵子树随之移动）', tags: ['org'], access: 'org.move',
    schema: { params: IdParams, body: MoveOrgBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.moveOrg(deps, contextOf(req), req.params.id, req.body.newParentId, req.body.version);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/orgs/:id/dissolve', operationId: 'dissolveOrg', summary: '撤销组织（不删除）', tags: ['org'], access: 'org.dissolve',
    schema: { params: IdParams, body: DissolveOrgBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.dissolveOrg(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/orgs/:id/committee', operationId: 'electCommittee', summary: '登记换届选举产生的新一届班子', tags: ['org'], access: 'committee.manage',
    schema: { params: IdParams, body: ElectCommitteeBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.electCommittee(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
}
