import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { AppError } from '../../platform/errors';
import {
  ArrearsQuery, ArrearsView, DecideReductionBody, ListReductionsQuery, ProposeReductionBody, ReductionPage,
  DuesBaseView, DuesBillPage, DuesQuote, DuesSummary, DuesSummaryQuery, GenerateDuesBillsBody, GenerateResult, ListDuesBillsQuery, PaymentResult,
  QuoteDuesQuery, RecordDuesPaymentBody, SetDuesBaseBody, VoluntaryPaymentBody,
} from '../../../contracts/dues';
import * as service from './dues.service';
import { myDues, MyDuesView } from './dues.member';

const IdParams = z.object({ id: z.uuid({ message: '编号格式不正确' }) });

export function registerDuesRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/quote', operationId: 'quoteDues', summary: '按类别与基数（分）计算每月应交党费（分），返回比例与规则版本', tags: ['dues'], access: 'authenticated',
    schema: { querystring: QuoteDuesQuery, response: { 200: DuesQuote } },
    handler: async (req) => service.quoteDues(deps, req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/members/:id/dues-bases', operationId: 'listDuesBases', summary: '党员的党费类别与基数历史', tags: ['dues'], access: 'dues.read',
    schema: { params: IdParams, response: { 200: z.object({ items: z.array(DuesBaseView) }) } },
    handler: async (req) => service.listBases(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/members/:id/dues-bases', operationId: 'setDuesBase', summary: '设置党费类别与基数（自某月起执行）', tags: ['dues'], access: 'dues.manage',
    schema: { params: IdParams, body: SetDuesBaseBody, response: { 201: z.object({ id: z.number().int(), amountFen: z.number().int(), rateBp: z.number().int().nullable() }) } },
    handler: async (req, reply) => {
      const r = await service.setBase(deps, contextOf(req), req.params.id, req.body);
      reply.code(201);
      return r;
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/dues/bills/generate', operationId: 'generateDuesBills', summary: '生成（或更正）某月党费账单：重复执行不改变已正确的账单，已交纳的账单不变', tags: ['dues'], access: 'dues.manage',
    schema: { body: GenerateDuesBillsBody, response: { 200: GenerateResult } },
    handler: async (req) => service.generateBillsFor(deps, contextOf(req), req.body.orgId, req.body.month),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/bills', operationId: 'listDuesBills', summary: '党费账单（组织及下级、月份、状态）', tags: ['dues'], access: 'dues.read',
    schema: { querystring: ListDuesBillsQuery, response: { 200: DuesBillPage } },
    handler: async (req) => service.listBills(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/dues/payments', operationId: 'recordDuesPayment', summary: '登记党费交纳（现金、转账；可代交、预交、按季交、补交），须带幂等键', tags: ['dues'], access: 'dues.manage',
    schema: { body: RecordDuesPaymentBody, response: { 200: PaymentResult } },
    handler: async (req) => service.recordPayment(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/dues/voluntary', operationId: 'recordVoluntaryDues', summary: '登记自愿交纳的党费（1000元以上单列，全额上缴中央）', tags: ['dues'], access: 'dues.manage',
    schema: { body: VoluntaryPaymentBody, response: { 200: PaymentResult.extend({ large: z.boolean() }) } },
    handler: async (req) => service.recordVoluntary(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/summary', operationId: 'getDuesSummary', summary: '党费收缴统计：应交、实交、收缴率、按时交纳率（按月，组织及下级）', tags: ['dues'], access: 'dues.read',
    schema: { querystring: DuesSummaryQuery, response: { 200: DuesSummary } },
    handler: async (req) => service.summary(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/dues/reductions', operationId: 'proposeDuesReduction', summary: '党支部提出少交、免交党费申请（附理由与证明材料）', tags: ['dues'], access: 'dues.manage',
    schema: { body: ProposeReductionBody, response: { 201: z.object({ id: z.uuid() }) } },
    handler: async (req, reply) => {
      const r = await service.proposeReduction(deps, contextOf(req), req.body);
      reply.code(201);
      return r;
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/reductions', operationId: 'listDuesReductions', summary: '少交、免交申请', tags: ['dues'], access: 'dues.read',
    schema: { querystring: ListReductionsQuery, response: { 200: ReductionPage } },
    handler: async (req) => service.listReductions(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/dues/reductions/:id/decision', operationId: 'decideDuesReduction', summary: '上一级党组织审批少交、免交（批准后未交账单随即更正）', tags: ['dues'], access: 'dues.approve',
    schema: { params: IdParams, body: DecideReductionBody, response: { 200: z.object({ status: z.enum(['approved', 'rejected']), correctedBills: z.number().int() }) } },
    handler: async (req) => service.decideReduction(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/arrears', operationId: 'listDuesArrears', summary: '连续未交党费的党员（3个月批评教育，6个月组织处理）', tags: ['dues'], access: 'dues.read',
    schema: { querystring: ArrearsQuery, response: { 200: ArrearsView } },
    handler: async (req) => service.arrears(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/dues', operationId: 'getMyDues', summary: '我的党费：应交、欠交与交纳记录', tags: ['dues'], access: 'self.read',
    schema: { response: { 200: MyDuesView } },
    handler: async (req) => {
      if (!req.actor!.personId) throw new AppError('NOT_FOUND', '您的账号未关联党员档案，请联系支部书记');
      return myDues(deps, req.actor!.personId);
    },
  });
}
