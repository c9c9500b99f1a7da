import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { GetWorkbenchQuery, Workbench } from '../../../contracts/workbench';
import { getWorkbench } from './workbench.service';

export function registerWorkbenchRoutes(app: FastifyInstance, deps: Deps) {
  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/workbench', operationId: 'getWorkbench', summary: '工作台：各模块待办与预警（按类别分组，限本人管理范围）', tags: ['workbench'], access: 'authenticated',
    schema: { querystring: GetWorkbenchQuery, response: { 200: Workbench } },
    handler: async (req) => getWorkbench(deps, contextOf(req), req.query),
  });
}
