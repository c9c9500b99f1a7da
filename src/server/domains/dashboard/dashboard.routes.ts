import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { Dashboard, GetDashboardQuery } from '../../../contracts/dashboard';
import { getDashboard } from './dashboard.service';

export function registerDashboardRoutes(app: FastifyInstance, deps: Deps) {
  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/dashboard', operationId: 'getDashboard', summary: '党建大屏：本组织及所辖范围的基本情况、党员结构、发展党员、党费、组织生活、先锋指数档次（均取自汇总表，不含个人信息）、下级组织与预警滚动', tags: ['dashboard'], access: 'member.read',
    schema: { querystring: GetDashboardQuery, response: { 200: Dashboard } },
    handler: async (req) => getDashboard(deps, contextOf(req), req.query),
  });
}
