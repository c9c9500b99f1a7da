import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { attachmentHeaders } from '../../platform/files';
import { Dashboard, DashboardDrill, DashboardDrillQuery, GetDashboardQuery } from '../../../contracts/dashboard';
import { drillMembers, exportDrill } from '../member';
import { ProblemAnalysis, ProblemAnalysisQuery } from '../../../contracts/warning';
import { getProblemAnalysis, renderProblemBrief } from './dashboard.analysis';
import { getDashboard } from './dashboard.service';

export function registerDashboardRoutes(app: FastifyInstance, deps: Deps) {
  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/dashboard', operationId: 'getDashboard', summary: '党建大屏：本组织及所辖范围的基本情况、党员结构、发展党员、党费、组织生活、先锋指数档次（均取自汇总表，不含个人信息）、下级组织与预警滚动', tags: ['dashboard'], access: 'member.read',
    schema: { querystring: GetDashboardQuery, response: { 200: Dashboard } },
    handler: async (req) => getDashboard(deps, contextOf(req), req.query),
  });
  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/dashboard/drill', operationId: 'getDashboardDrill', summary: '交叉分析：管理范围内在册党员按任意两个维度（下级组织、性别、年龄段、学历、职业、民族、入党时间、党员类别）统计，可筛选', tags: ['dashboard'], access: 'member.read',
    schema: { querystring: DashboardDrillQuery, response: { 200: DashboardDrill } },
    handler: async (req) => drillMembers(deps, contextOf(req), req.query),
  });
  defineRoute(app, deps.db, {
    // a file, not JSON: no response schema (listed as such in tests/integration/openapi.test.ts)
    method: 'GET', url: '/api/v1/dashboard/drill/export', operationId: 'exportDashboardDrill', summary: '导出交叉分析（Excel，含合计）', tags: ['dashboard'], access: 'member.export',
    schema: { querystring: DashboardDrillQuery },
    handler: async (req, reply) => {
      const r = await exportDrill(deps, contextOf(req), req.query);
      return reply.headers(attachmentHeaders(r.fileName, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).send(r.data);
    },
  });
  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/analysis/problems', operationId: 'getProblemAnalysis', summary: '主要问题分析：管理范围内各模块预警按类别的数量、涉及组织与 30 天趋势，以及先锋指数最弱的分项，逐条说明并附处理入口', tags: ['dashboard'], access: 'org.read',
    schema: { querystring: ProblemAnalysisQuery, response: { 200: ProblemAnalysis } },
    handler: async (req) => getProblemAnalysis(deps, contextOf(req), req.query),
  });
  defineRoute(app, deps.db, {
    // a file, not JSON: no response schema (listed as such in tests/integration/openapi.test.ts)
    method: 'GET', url: '/api/v1/analysis/problems/brief', operationId: 'renderProblemBrief', summary: '主要问题简报（Word，一页）', tags: ['dashboard'], access: 'org.read',
    schema: { querystring: ProblemAnalysisQuery },
    handler: async (req, reply) => {
      const r = await renderProblemBrief(deps, contextOf(req), req.query);
      return reply.headers(attachmentHeaders(r.fileName, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')).send(r.data);
    },
  });
}
