import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { attachmentHeaders } from '../../platform/files';
import { StatisticsForm, StatisticsFormParams, StatisticsFormQuery, StatisticsReconciliation, StatisticsReconciliationQuery, StatisticsYearBody } from '../../../contracts/statistics';
import { closeStatisticsYear, getStatisticsReconciliation } from './statistics.closing';
import { exportStatisticsForm } from './statistics.export';
import { getStatisticsForm } from './statistics.service';

export function registerStatisticsRoutes(app: FastifyInstance, deps: Deps) {
  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/statistics/forms/:form', operationId: 'getStatisticsForm',
    summary: '党内统计年报表：管理范围内某组织及其下级在某年度的党员数综合比较（含平衡校验及差额涉及的党员）、党员基本情况、入党时间、发展党员、出党、预备党员转正',
    tags: ['statistics'], access: 'member.read',
    schema: { params: StatisticsFormParams, querystring: StatisticsFormQuery, response: { 200: StatisticsForm } },
    handler: async (req) => getStatisticsForm(deps, contextOf(req), req.params.form, req.query),
  });
  defineRoute(app, deps.db, {
    // a file, not JSON: no response schema (listed as such in tests/integration/openapi.test.ts)
    method: 'GET', url: '/api/v1/statistics/forms/:form/export', operationId: 'exportStatisticsForm', summary: '导出党内统计报表（Excel，按报表式样，A4 横向）', tags: ['statistics'], access: 'member.export',
    schema: { params: StatisticsFormParams, querystring: StatisticsFormQuery },
    handler: async (req, reply) => {
      const r = await exportStatisticsForm(deps, contextOf(req), req.params.form, req.query);
      return reply.headers(attachmentHeaders(r.fileName, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).send(r.data);
    },
  });
  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/statistics/reconciliation', operationId: 'getStatisticsReconciliation',
    summary: '党内统计年度结算与下级核对：下级党组织的结算状态和党员数综合比较数字、合计与本组织数字的差额',
    tags: ['statistics'], access: 'member.read',
    schema: { querystring: StatisticsReconciliationQuery, response: { 200: StatisticsReconciliation } },
    handler: async (req) => getStatisticsReconciliation(deps, contextOf(req), req.query),
  });
  defineRoute(app, deps.db, {
    method: 'POST', url: '/api/v1/statistics/closings', operationId: 'closeStatisticsYear',
    summary: '结算党内统计年度：下级党委均已结算后，冻结本组织该年度的全部报表；之后登记的更正列入下一年度',
    tags: ['statistics'], access: 'statistics.close',
    schema: { body: StatisticsYearBody, response: { 200: StatisticsReconciliation } },
    handler: async (req) => closeStatisticsYear(deps, contextOf(req), req.body),
  });
}
