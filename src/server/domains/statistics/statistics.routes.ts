import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { StatisticsForm, StatisticsFormParams, StatisticsFormQuery } from '../../../contracts/statistics';
import { getStatisticsForm } from './statistics.service';

export function registerStatisticsRoutes(app: FastifyInstance, deps: Deps) {
  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/statistics/forms/:form', operationId: 'getStatisticsForm',
    summary: '党内统计年报表：管理范围内某组织及其下级在某年度的党员数综合比较（含平衡校验及差额涉及的党员）、党员基本情况、入党时间、发展党员、出党、预备党员转正',
    tags: ['statistics'], access: 'member.read',
    schema: { params: StatisticsFormParams, querystring: StatisticsFormQuery, response: { 200: StatisticsForm } },
    handler: async (req) => getStatisticsForm(deps, contextOf(req), req.params.form, req.query),
  });
}
