import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { AppError } from '../../platform/errors';
import {
  ArrearsQuery, ArrearsView, DecideReductionBody, ListReductionsQuery, ProposeReductionBody, ReductionPage,
  DuesBaseList, DuesBaseSet, DuesBillPage, DuesQuote, DuesSummary, DuesSummaryQuery, GenerateDuesBillsBody, GenerateResult, ListDuesBillsQuery, PaymentResult,
  QuoteDuesQuery, RecordDuesPaymentBody, SetDuesBaseBody, VoluntaryPaymentBody, VoluntaryPaymentResult, MemberStatement, MemberStatementQuery, DuesRulesQuery, DuesRulesView,
  BaseImportAnswer, ReductionDecision, ReconciliationView, MyDuesView, CreateDuesOrderBody, DuesOrderCreated, DuesOrderStatus, DuesOrderSimulated, ListDuesBaseStatusQuery, DuesBaseStatusPage,
} from '../../../contracts/dues';
import * as bases from './dues.bases';
import * as bills from './dues.bills';
import * as payments from './dues.payments';
import * as reductions from './dues.reductions';
import type { SimulatedProvider } from '../../platform/payments';
import { myDues } from './dues.member';
import * as online from './dues.online';
import { exportSummary } from './dues.export';
import { buildBaseTemplate, runBaseImport } from './dues.import';
import { attachmentHeaders, detectAllowedType } from '../../platform/files';
import { exportMemberStatement, memberStatement } from './dues.ledger';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
import { Created, DryRunQuery, IdParams, IsoDate } from '../../../contracts/common';

const OrderParams = z.object({ outTradeNo: z.string().regex(/^[A-Z0-9]{8,64}$/, { message: '订单号格式不正确' }) });

/** What a provider's notification may weigh (theirs are a few KiB). */
const NOTIFY_MAX_BYTES = 64 * 1024;


export function registerDuesRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  // the simulated provider (demo mode only) delivers its notifications straight to the handler
  if (deps.payments?.simulated) (deps.payments as SimulatedProvider).setDelivery(async (body) => void (await online.handleNotification(deps, { rawBody: JSON.stringify(body), headers: {} })));
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/quote', operationId: 'quoteDues', summary: '按类别与基数（分）计算每月应交党费（分），返回比例与规则版本', tags: ['dues'], access: 'authenticated',
    schema: { querystring: QuoteDuesQuery, response: { 200: DuesQuote } },
    handler: async (req) => bases.quoteDues(deps, req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/members/:id/dues-bases', operationId: 'listDuesBases', summary: '党员的党费类别与基数历史', tags: ['dues'], access: 'dues.read',
    schema: { params: IdParams, response: { 200: DuesBaseList } },
    handler: async (req) => bases.listBases(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/bases', operationId: 'listDuesBaseStatus', summary: '党员党费基数情况：本月执行的类别与基数，未设置基数的在前', tags: ['dues'], access: 'dues.read',
    schema: { querystring: ListDuesBaseStatusQuery, response: { 200: DuesBaseStatusPage } },
    handler: async (req) => bases.baseStatus(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/members/:id/dues-bases', operationId: 'setDuesBase', summary: '设置党费类别与基数（自某月起执行）', tags: ['dues'], access: 'dues.manage',
    schema: { params: IdParams, body: SetDuesBaseBody, response: { 201: DuesBaseSet } },
    handler: async (req, reply) => {
      const r = await bases.setBase(deps, contextOf(req), req.params.id, req.body);
      reply.code(201);
      return r;
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/dues/bills/generate', operationId: 'generateDuesBills', summary: '生成（或更正）某月党费账单：重复执行不改变已正确的账单，已交纳的账单不变', tags: ['dues'], access: 'dues.manage',
    schema: { body: GenerateDuesBillsBody, response: { 200: GenerateResult } },
    handler: async (req) => bills.generateBillsFor(deps, contextOf(req), req.body.orgId, req.body.month),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/bills', operationId: 'listDuesBills', summary: '党费账单（组织及下级、月份、状态）', tags: ['dues'], access: 'dues.read',
    schema: { querystring: ListDuesBillsQuery, response: { 200: DuesBillPage } },
    handler: async (req) => bills.listBills(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/dues/payments', operationId: 'recordDuesPayment', summary: '登记党费交纳（现金、转账；可代交、预交、按季交、补交），须带幂等键', tags: ['dues'], access: 'dues.manage',
    schema: { body: RecordDuesPaymentBody, response: { 200: PaymentResult } },
    handler: async (req) => payments.recordPayment(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/dues/voluntary', operationId: 'recordVoluntaryDues', summary: '登记自愿交纳的党费（1000元以上单列，全额上缴中央）', tags: ['dues'], access: 'dues.manage',
    schema: { body: VoluntaryPaymentBody, response: { 200: VoluntaryPaymentResult } },
    handler: async (req) => payments.recordVoluntary(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/summary', operationId: 'getDuesSummary', summary: '党费收缴统计：应交、实交、收缴率、按时交纳率（按月，组织及下级）', tags: ['dues'], access: 'dues.read',
    schema: { querystring: DuesSummaryQuery, response: { 200: DuesSummary } },
    handler: async (req) => bills.summary(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/dues/reductions', operationId: 'proposeDuesReduction', summary: '党支部提出少交、免交党费申请（附理由与证明材料）', tags: ['dues'], access: 'dues.manage',
    schema: { body: ProposeReductionBody, response: { 201: Created } },
    handler: async (req, reply) => {
      const r = await reductions.proposeReduction(deps, contextOf(req), req.body);
      reply.code(201);
      return r;
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/reductions', operationId: 'listDuesReductions', summary: '少交、免交申请', tags: ['dues'], access: 'dues.read',
    schema: { querystring: ListReductionsQuery, response: { 200: ReductionPage } },
    handler: async (req) => reductions.listReductions(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/dues/reductions/:id/decision', operationId: 'decideDuesReduction', summary: '上一级党组织审批少交、免交（批准后未交账单随即更正）', tags: ['dues'], access: 'dues.approve',
    schema: { params: IdParams, body: DecideReductionBody, response: { 200: ReductionDecision } },
    handler: async (req) => reductions.decideReduction(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/arrears', operationId: 'listDuesArrears', summary: '连续未交党费的党员（3个月批评教育，6个月组织处理）', tags: ['dues'], access: 'dues.read',
    schema: { querystring: ArrearsQuery, response: { 200: ArrearsView } },
    handler: async (req) => bills.arrears(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/dues/orders', operationId: 'createMyDuesOrder', summary: '在线交纳本人党费：为所选月份创建支付订单', tags: ['dues'], access: 'self.read',
    schema: { body: CreateDuesOrderBody, response: { 201: DuesOrderCreated } },
    handler: async (req, reply) => {
      const r = await online.createMyOrder(deps, contextOf(req), req.body.billIds);
      reply.code(201);
      return r;
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/dues/orders/:outTradeNo', operationId: 'getMyDuesOrder', summary: '本人支付订单状态', tags: ['dues'], access: 'self.read',
    schema: { params: OrderParams, response: { 200: DuesOrderStatus } },
    handler: async (req) => online.myOrder(deps, contextOf(req), req.params.outTradeNo),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/dues/orders/:outTradeNo/simulate', operationId: 'simulateDuesPayment', summary: '模拟支付收银台：确认付款（仅开发与演示环境的模拟支付）', tags: ['dues'], access: 'self.read',
    schema: { params: OrderParams, response: { 200: DuesOrderSimulated } },
    handler: async (req) => online.simulatePay(deps, contextOf(req), req.params.outTradeNo),
  });
  // The provider's notification: public, rate-limited per address, bounded in size, and read as the
  // raw body (WeChat Pay signs the exact bytes; Alipay posts a form) by a parser scoped to this route.
  void app.register(async (notifyScope) => {
    notifyScope.removeAllContentTypeParsers();
    notifyScope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: NOTIFY_MAX_BYTES }, (_req, body, done) => done(null, body));
    defineRoute(notifyScope, db, {
      method: 'POST', url: '/api/v1/payments/notify/:provider', operationId: 'paymentNotification', summary: '支付机构的异步支付通知（验签；重复、迟到、伪造的通知均安全处理）', tags: ['dues'], access: 'public',
      bodyLimit: NOTIFY_MAX_BYTES,
      config: { rateLimit: { max: deps.config.payments.notifyRatePerMinute, timeWindow: '1 minute' } },
      schema: { params: z.object({ provider: z.string().max(40) }) },
      handler: async (req, reply) => {
        const provider = deps.payments;
        if (!provider || req.params.provider !== provider.name) throw new AppError('NOT_FOUND');
        const r = await online.handleNotification(deps, { rawBody: typeof req.body === 'string' ? req.body : '', headers: req.headers });
        const answer = provider.reply(r.accepted);
        if (answer) return reply.code(answer.status).type(answer.contentType).send(answer.body);
        // the simulated provider: 200 SUCCESS stops its retries; a refusal is the usual error envelope
        if (!r.accepted) throw new AppError('BAD_REQUEST', '支付通知未通过校验', { outcome: r.outcome });
        return reply.code(200).send({ code: 'SUCCESS', message: r.outcome });
      },
    });
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/dues/reconciliation', operationId: 'reconcileDuesPayments', summary: '与支付机构对账（某日），列出本组织及下级订单的每一处差异（按管理范围分别保存）', tags: ['dues'], access: 'dues.approve',
    schema: { body: z.object({ day: IsoDate }), response: { 200: ReconciliationView } },
    handler: async (req) => online.reconcileForActor(deps, contextOf(req), req.body.day),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/rules', operationId: 'getDuesRules', summary: '某月适用的党费规则版本（比例、固定金额、补交与欠交月数等，含依据）', tags: ['dues'], access: 'dues.read',
    schema: { querystring: DuesRulesQuery, response: { 200: DuesRulesView } },
    handler: async (req) => bases.rulesView(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/members/:id/dues-statement', operationId: 'getMemberDuesStatement', summary: '党员党费明细：每月账单及交纳流水、自愿交纳、合计与流水哈希链校验', tags: ['dues'], access: 'dues.read',
    schema: { params: IdParams, querystring: MemberStatementQuery, response: { 200: MemberStatement } },
    handler: async (req) => memberStatement(deps, contextOf(req), req.params.id, req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/members/:id/dues-statement/export', operationId: 'exportMemberDuesStatement', summary: '导出党员党费明细（Excel）', tags: ['dues'], access: 'dues.read',
    schema: { params: IdParams, querystring: MemberStatementQuery },
    handler: async (req, reply) => {
      const r = await exportMemberStatement(deps, contextOf(req), req.params.id, req.query);
      return reply.headers(attachmentHeaders(r.fileName, XLSX)).send(r.data);
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/summary/export', operationId: 'exportDuesSummary', summary: '导出党费收缴统计、上缴汇总与大额自愿党费（Excel）', tags: ['dues'], access: 'dues.read',
    schema: { querystring: DuesSummaryQuery },
    handler: async (req, reply) => {
      const r = await exportSummary(deps, contextOf(req), req.query);
      return reply.headers(attachmentHeaders(r.fileName, XLSX)).send(r.data);
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/dues/bases/import/template', operationId: 'getDuesBaseImportTemplate', summary: '下载党费基数导入模板', tags: ['dues'], access: 'dues.manage',
    handler: async (_req, reply) => {
      return reply.headers(attachmentHeaders('党费基数导入模板.xlsx', XLSX)).send(await buildBaseTemplate());
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/dues/bases/import', operationId: 'importDuesBases', summary: '批量导入党费基数（dryRun=true 只校验并返回逐行错误；有错误时不导入任何一行）', tags: ['dues'], access: 'dues.manage',
    schema: { querystring: DryRunQuery, response: { 200: BaseImportAnswer } },
    handler: async (req) => {
      const file = await req.file();
      if (!file) throw new AppError('VALIDATION_FAILED', '请选择要导入的 Excel 文件');
      const data = await file.toBuffer();
      await detectAllowedType(data, [XLSX]);
      return { dryRun: req.query.dryRun === 'true', report: await runBaseImport(deps, contextOf(req), data, req.query.dryRun === 'false') };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/dues', operationId: 'getMyDues', summary: '我的党费：应交、欠交与交纳记录', tags: ['dues'], access: 'self.read',
    schema: { response: { 200: MyDuesView } },
    handler: async (req) => {
      if (!req.actor.personId) throw new AppError('NOT_FOUND', '您的账号未关联党员档案，请联系支部书记');
      return { ...(await myDues(deps, req.actor.personId)), onlinePayment: online.onlinePaymentInfo(deps) };
    },
  });
}
