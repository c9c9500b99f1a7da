import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { SearchEverythingQuery, SearchResults } from '../../../contracts/search';
import { searchEverything } from './search.service';

export function registerSearchRoutes(app: FastifyInstance, deps: Deps) {
  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/search', operationId: 'searchEverything', summary: '全局查找：党员、组织、发展对象（按姓名、名称或拼音，限本人管理范围）', tags: ['search'], access: 'authenticated',
    schema: { querystring: SearchEverythingQuery, response: { 200: SearchResults } },
    handler: async (req) => searchEverything(deps, contextOf(req), req.query),
  });
}
