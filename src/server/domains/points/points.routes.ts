import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { AppError } from '../../platform/errors';
import {
  ApprovePointRulesBody, AwardPointsBody, AwardPointsResult, DecidePointAwardBody, ListPointEntriesQuery, PointAwardDecision, PointAwardRequestList, PointBalance, PointRuleProposalView,
  MyPoints, PointRulesOfOrg, PointTxnPage, PointTxnResult, ProposePointRulesBody, ReservePointsBody, ReversePointBody, SettleReservationBody,
} from '../../../contracts/points';
import { Created, IdParams, PageQuery } from '../../../contracts/common';
import * as service from './points.service';
import * as rules from './points.rules';
import * as assessment from './points.assessment';
import { AgreeAssessmentBody, AssessmentQuery, AssessmentSchemeView, BranchAssessment, PublishAssessmentBody, ScoreAssessmentBody } from '../../../contracts/assessment';

const TxnParams = z.object({ id: z.coerce.number().int().positive({ message: '编号格式不正确' }) });
const PersonParams = z.object({ personId: z.uuid({ message: '编号格式不正确' }) });
const OrgQuery = z.object({ orgId: z.uuid({ message: '请选择组织' }) });

export function registerPointsRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/points/entries', operationId: 'listPointEntries', summary: '积分流水：某党员的（随党员转移）或某组织（含下级）的', tags: ['points'], access: 'points.read',
    schema: { querystring: ListPointEntriesQuery, response: { 200: PointTxnPage } },
    handler: async (req) => service.listPointEntries(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/points/balance/:personId', operationId: 'getPointBalance', summary: '党员积分余额：可用、冻结、本年获得、年底到期', tags: ['points'], access: 'points.read',
    schema: { params: PersonParams, response: { 200: PointBalance } },
    handler: async (req) => service.getPointBalance(deps, contextOf(req), req.params.personId),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/points', operationId: 'getMyPoints', summary: '本人的积分：余额与每一笔的事由和来源', tags: ['points'], access: 'self.read',
    schema: { querystring: PageQuery, response: { 200: MyPoints } },
    handler: async (req) => {
      const ctx = contextOf(req);
      if (!ctx.actor.personId) throw new AppError('NOT_FOUND', '您的账号未关联党员档案');
      return { balance: await service.getPointBalance(deps, ctx, ctx.actor.personId), entries: await service.listPointEntries(deps, ctx, { ...req.query, personId: ctx.actor.personId }) };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/points/awards', operationId: 'awardPoints', summary: '登记支部认定的积分奖励或扣减（须写明事由；超过细则规定分值的须另一人复核）', tags: ['points'], access: 'points.manage',
    schema: { body: AwardPointsBody, response: { 200: AwardPointsResult } },
    handler: async (req) => service.awardPoints(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/points/award-requests', operationId: 'listPointAwardRequests', summary: '待复核的大额积分奖励与扣减', tags: ['points'], access: 'points.approve',
    schema: { response: { 200: PointAwardRequestList } },
    handler: async (req) => service.listPendingAwards(deps, contextOf(req)),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/points/award-requests/:id/decide', operationId: 'decidePointAward', summary: '复核大额积分奖励或扣减（复核人不能是登记人）', tags: ['points'], access: 'points.approve',
    schema: { params: IdParams, body: DecidePointAwardBody, response: { 200: PointAwardDecision } },
    handler: async (req) => ({ result: await service.decidePointAward(deps, contextOf(req), req.params.id, req.body) }),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/points/entries/:id/reverse', operationId: 'reversePointEntry', summary: '冲正一笔奖励或扣减（写明事由；原记录保留）', tags: ['points'], access: 'points.manage',
    schema: { params: TxnParams, body: ReversePointBody, response: { 200: PointTxnResult } },
    handler: async (req) => service.reversePointEntry(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/points/reservations', operationId: 'reservePoints', summary: '积分兑换：冻结党员的积分（待确认或取消）', tags: ['points'], access: 'points.manage',
    schema: { body: ReservePointsBody, response: { 200: PointTxnResult } },
    handler: async (req) => service.reservePoints(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/points/reservations/:id/confirm', operationId: 'confirmPointReservation', summary: '积分兑换完成：冻结的积分转入商城', tags: ['points'], access: 'points.manage',
    schema: { params: TxnParams, body: SettleReservationBody, response: { 200: PointTxnResult } },
    handler: async (req) => service.confirmPointReservation(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/points/reservations/:id/release', operationId: 'releasePointReservation', summary: '积分兑换取消：冻结的积分退回党员', tags: ['points'], access: 'points.manage',
    schema: { params: TxnParams, body: SettleReservationBody, response: { 200: PointTxnResult } },
    handler: async (req) => service.releasePointReservation(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/points/rules', operationId: 'getPointRules', summary: '支部积分细则：现行版本、草案与表决情况、模板', tags: ['points'], access: 'points.read',
    schema: { querystring: OrgQuery, response: { 200: PointRulesOfOrg } },
    handler: async (req) => rules.getPointRules(deps, contextOf(req), req.query.orgId),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/points/rules/proposals', operationId: 'proposePointRules', summary: '起草支部积分细则（须经支部党员大会表决通过后生效）', tags: ['points'], access: 'points.manage',
    schema: { body: ProposePointRulesBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send(await rules.proposePointRules(deps, contextOf(req), req.body)),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/points/rules/proposals/:id/approve', operationId: 'approvePointRules', summary: '登记支部党员大会对积分细则的表决（应到、实到、赞成、反对、弃权）；通过即生效', tags: ['points'], access: 'points.manage',
    schema: { params: IdParams, body: ApprovePointRulesBody, response: { 200: PointRuleProposalView } },
    handler: async (req) => rules.approvePointRules(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/points/assessment', operationId: 'getBranchAssessment', summary: '党支部的上级考核：适用的考核细则、支部党员大会同意情况、上级逐项评分及依据', tags: ['points'], access: 'points.read',
    schema: { querystring: AssessmentQuery, response: { 200: BranchAssessment } },
    handler: async (req) => assessment.getBranchAssessment(deps, contextOf(req), req.query.orgId, req.query.year),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/points/assessment/scheme', operationId: 'getAssessmentScheme', summary: '本党委（党总支）发布的年度支部考核细则及所辖支部的同意与得分情况', tags: ['points'], access: 'points.read',
    schema: { querystring: AssessmentQuery, response: { 200: AssessmentSchemeView } },
    handler: async (req) => assessment.getAssessmentScheme(deps, contextOf(req), req.query.orgId, req.query.year),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/points/assessment/scheme', operationId: 'publishAssessmentRules', summary: '发布年度支部考核细则（各支部党员大会同意后对该支部生效）', tags: ['points'], access: 'points.approve',
    schema: { body: PublishAssessmentBody, response: { 201: Created } },
    handler: async (req, reply) => {
      reply.code(201);
      return assessment.publishAssessment(deps, contextOf(req), req.body);
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/points/assessment/scheme/:id/agreements', operationId: 'agreeAssessmentRules', summary: '登记支部党员大会对上级考核细则的表决（过半数同意后该细则对本支部生效）', tags: ['points'], access: 'points.manage',
    schema: { params: IdParams, body: AgreeAssessmentBody, response: { 200: BranchAssessment } },
    handler: async (req) => assessment.agreeAssessment(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/points/assessment/scores', operationId: 'scoreBranchAssessment', summary: '上级党组织按考核细则为所辖支部逐项评分（须写明依据；支部须已同意该细则）', tags: ['points'], access: 'points.approve',
    schema: { body: ScoreAssessmentBody, response: { 200: BranchAssessment } },
    handler: async (req) => assessment.scoreBranchAssessment(deps, contextOf(req), req.body),
  });
}
