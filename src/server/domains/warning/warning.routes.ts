import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { IdParams } from '../../../contracts/common';
import { HandleWarningBody, ListWarningsQuery, ScanWarningsResult, WarningItem, WarningPage } from '../../../contracts/warning';
import { handleWarning, listWarnings, scanWarnings } from './warning.service';

export function registerWarningRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/warnings', operationId: 'listWarnings', summary: '预警中心：各模块的预警（发展党员期限、党费欠交、组织设置与换届、转接、组织生活、先锋指数），按本人各模块的查看权限与管理范围', tags: ['warnings'], access: 'authenticated',
    schema: { querystring: ListWarningsQuery, response: { 200: WarningPage } },
    handler: async (req) => listWarnings(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/warnings/:id/handle', operationId: 'acknowledgeWarning', summary: '确认知悉或办结一条预警（须有该模块的办理权限；办结须填写说明）', tags: ['warnings'], access: 'authenticated',
    schema: { params: IdParams, body: HandleWarningBody, response: { 200: WarningItem } },
    handler: async (req) => handleWarning(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/warnings/scan', operationId: 'scanWarnings', summary: '立即扫描一次全部预警（平时由后台任务定时扫描）', tags: ['warnings'], access: 'system.config',
    schema: { response: { 200: ScanWarningsResult } },
    handler: async () => scanWarnings(deps),
  });
}
