import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { Created, IdParams } from '../../../contracts/common';
import {
  AcceptReportBody, BranchCommunityEvaluations, BranchEvaluationsQuery, CommunityReportDetail, CommunityReportPage, DeclineReportBody, EndReportBody, EvaluateReportBody, ListReportsQuery,
  MyCommunityReport, RecordServiceBody, ReportMyselfBody, ReportToCommunityBody,
} from '../../../contracts/community-report';
import * as service from './community-report.service';

export function registerCommunityReportRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  // reporting: a unit's party organisation (its staff) and the member themself
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/community-reports', operationId: 'reportToCommunity', summary: '双报到：单位党组织向所在村（社区）报到', tags: ['community-report'], access: 'volunteer.manage',
    schema: { body: ReportToCommunityBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.reportToCommunity(deps, contextOf(req), req.body) }),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/community-report', operationId: 'reportMyselfToCommunity', summary: '双报到：在职党员向居住地村（社区）报到', tags: ['community-report'], access: 'volunteer.self',
    schema: { body: ReportMyselfBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.reportMyselfToCommunity(deps, contextOf(req), req.body) }),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/community-report', operationId: 'getMyCommunityReport', summary: '我的双报到：报到状态、服务记录、年度评价', tags: ['community-report'], access: 'volunteer.self',
    schema: { response: { 200: MyCommunityReport } },
    handler: async (req) => service.getMyCommunityReport(deps, contextOf(req)),
  });
  // the community's staff
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/community-reports', operationId: 'listCommunityReports', summary: '双报到：向本村（社区）报到的单位党组织和在职党员，可按状态、类型筛选', tags: ['community-report'], access: 'volunteer.read',
    schema: { querystring: ListReportsQuery, response: { 200: CommunityReportPage } },
    handler: async (req) => service.listCommunityReports(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/community-reports/evaluations', operationId: 'listBranchCommunityEvaluations', summary: '本支部党员的双报到年度评价（民主评议参考）：报到的村（社区）、评价等次、服务时长', tags: ['community-report'], access: 'member.read',
    schema: { querystring: BranchEvaluationsQuery, response: { 200: BranchCommunityEvaluations } },
    handler: async (req) => service.listBranchCommunityEvaluations(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/community-reports/:id', operationId: 'getCommunityReport', summary: '双报到详情：服务记录和年度评价', tags: ['community-report'], access: 'volunteer.read',
    schema: { params: IdParams, response: { 200: CommunityReportDetail } },
    handler: async (req) => service.getCommunityReport(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/community-reports/:id/accept', operationId: 'acceptCommunityReport', summary: '接收报到：分配网格、服务岗位和认领任务', tags: ['community-report'], access: 'volunteer.manage',
    schema: { params: IdParams, body: AcceptReportBody, response: { 200: CommunityReportDetail } },
    handler: async (req) => service.acceptCommunityReport(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/community-reports/:id/decline', operationId: 'declineCommunityReport', summary: '退回报到（填写原因）', tags: ['community-report'], access: 'volunteer.manage',
    schema: { params: IdParams, body: DeclineReportBody, response: { 200: CommunityReportDetail } },
    handler: async (req) => service.declineCommunityReport(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/community-reports/:id/services', operationId: 'recordCommunityService', summary: '登记服务：服务日期、时长（以0.5小时为单位）、内容', tags: ['community-report'], access: 'volunteer.manage',
    schema: { params: IdParams, body: RecordServiceBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.recordCommunityService(deps, contextOf(req), req.params.id, req.body) }),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/community-reports/:id/evaluations', operationId: 'evaluateCommunityReport', summary: '年度评价在职党员（每年一次）：优秀、良好、一般、较差，推送至党员所在支部', tags: ['community-report'], access: 'volunteer.manage',
    schema: { params: IdParams, body: EvaluateReportBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.evaluateCommunityReport(deps, contextOf(req), req.params.id, req.body) }),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/community-reports/:id/end', operationId: 'endCommunityReport', summary: '结束报到（填写原因）：已接收的报到结束后，党员可重新报到', tags: ['community-report'], access: 'volunteer.manage',
    schema: { params: IdParams, body: EndReportBody, response: { 200: CommunityReportDetail } },
    handler: async (req) => service.endCommunityReport(deps, contextOf(req), req.params.id, req.body),
  });
}
