import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { AppError } from '../../platform/errors';
import { attachmentHeaders } from '../../platform/files';
import { BranchIndex, BranchIndexQuery, BranchReportQuery, MyBranchIndex, OrgPortrait, RecomputeIndexBody, RecomputeIndexResult } from '../../../contracts/branch-index';
import * as service from './branch-index.service';
import { renderBranchReport } from './branch-index.report';

export function registerBranchIndexRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/index/branch', operationId: 'getBranchIndex', summary: '支部先锋指数：综合指数、档次、分项指数及其数据来源、趋势；上级组织看所辖支部的档次分布（不排名）', tags: ['points'], access: 'points.read',
    schema: { querystring: BranchIndexQuery, response: { 200: BranchIndex } },
    handler: async (req) => service.getBranchIndex(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/index/portrait', operationId: 'getOrgPortrait', summary: '支部画像：分项指数与同一上级下同类支部的分位对比、优势与短板、整改建议', tags: ['points'], access: 'points.read',
    schema: { querystring: BranchIndexQuery, response: { 200: OrgPortrait } },
    handler: async (req) => service.getOrgPortrait(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    // a file, not JSON: no response schema (like the other documents; listed as such in tests/integration/openapi.test.ts)
    method: 'GET', url: '/api/v1/index/report', operationId: 'renderBranchReport', summary: '支部先锋指数报告（Word 或 PDF）：指数与数据来源、趋势图、画像雷达图、针对最弱指标的整改建议', tags: ['points'], access: 'points.read',
    schema: { querystring: BranchReportQuery },
    handler: async (req, reply) => {
      const r = await renderBranchReport(deps, contextOf(req), req.query);
      return reply.headers(attachmentHeaders(r.filename, r.contentType)).send(r.buffer);
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/index/recompute', operationId: 'recomputeBranchIndex', summary: '按最新数据重新计算本组织及所辖支部的先锋指数', tags: ['points'], access: 'points.manage',
    schema: { body: RecomputeIndexBody, response: { 200: RecomputeIndexResult } },
    handler: async (req) => service.recomputeOnDemand(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/branch-index', operationId: 'getMyBranchIndex', summary: '本人所在支部的先锋指数（部署设置允许时显示）', tags: ['points'], access: 'self.read',
    schema: { response: { 200: MyBranchIndex } },
    handler: async (req) => {
      const ctx = contextOf(req);
      if (!ctx.actor.personId) throw new AppError('NOT_FOUND', '您的账号未关联党员档案');
      return service.getMyBranchIndex(deps, ctx.actor.personId);
    },
  });
}
