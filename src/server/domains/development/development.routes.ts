import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { AppError } from '../../platform/errors';
import { attachmentHeaders } from '../../platform/files';
import { Created, IdParams, Ok } from '../../../contracts/common';
import {
  CandidateDetail, CandidatePage, CreateDevelopmentCandidateBody, DeadlinePage, DevelopmentOverview, DocumentKindEnum, ListDevelopmentCandidatesQuery,
  ListDevelopmentDeadlinesQuery, MyDevelopment, OverviewQuery, PlanQuery, PlanView, PutPlanBody, RecordDevelopmentStepBody, RecordDevelopmentVoteBody, VoteResultView, VotingMembersQuery, VotingMembersView,
} from '../../../contracts/development';
import { createCandidate, getCandidate, listCandidates, listDeadlines, myDevelopment, overview } from './development.candidates';
import { recordStep } from './development.steps';
import { recordVote, votingMembers } from './development.votes';
import { getPlan, putPlan } from './development.plans';
import { addReport, myReport, renderDocument } from './development.reports';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

async function readReportUpload(req: FastifyRequest) {
  const file = await req.file();
  if (!file) throw new AppError('VALIDATION_FAILED', '请选择思想汇报文件');
  const data = await file.toBuffer();
  const title = (file.fields.title as { value?: string } | undefined)?.value ?? '';
  return { data, title, fileName: file.filename };
}

export function registerDevelopmentRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/development/candidates', operationId: 'createDevelopmentCandidate', summary: '受理入党申请，建立发展档案（第1步）', tags: ['development'], access: 'development.manage',
    schema: { body: CreateDevelopmentCandidateBody, response: { 201: Created } },
    handler: async (req, reply) => {
      const id = await createCandidate(deps, contextOf(req), req.body);
      reply.code(201);
      return { id };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/development/candidates', operationId: 'listDevelopmentCandidates', summary: '发展对象档案列表（按组织及下级、阶段）', tags: ['development'], access: 'development.read',
    schema: { querystring: ListDevelopmentCandidatesQuery, response: { 200: CandidatePage } },
    handler: async (req) => listCandidates(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/development/candidates/:id', operationId: 'getDevelopmentCandidate', summary: '发展档案：25个步骤、表决、期限与计划对照', tags: ['development'], access: 'development.read',
    schema: { params: IdParams, response: { 200: CandidateDetail } },
    handler: async (req) => getCandidate(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/development/candidates/:id/steps', operationId: 'recordDevelopmentStep', summary: '登记发展步骤（按《发展党员工作细则》校验顺序与期限）', tags: ['development'], access: 'development.manage',
    schema: { params: IdParams, body: RecordDevelopmentStepBody, response: { 200: Ok } },
    handler: async (req) => recordStep(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/development/candidates/:id/votes', operationId: 'recordDevelopmentVote', summary: '登记支部大会表决（接收预备党员或转正），返回法定人数与表决结果的计算', tags: ['development'], access: 'development.manage',
    schema: { params: IdParams, body: RecordDevelopmentVoteBody, response: { 200: VoteResultView } },
    handler: async (req) => recordVote(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/development/candidates/:id/voting-members', operationId: 'getDevelopmentVotingMembers', summary: '某日本支部有表决权的正式党员人数（应到人数，依党员名册）', tags: ['development'], access: 'development.read',
    schema: { params: IdParams, querystring: VotingMembersQuery, response: { 200: VotingMembersView } },
    handler: async (req) => votingMembers(deps, contextOf(req), req.params.id, req.query.date),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/development/candidates/:id/documents/:kind', operationId: 'renderDevelopmentDocument', summary: '生成文书（.docx）：公示、备案报告、谈话记录、接收决议、转正决议', tags: ['development'], access: 'development.read',
    schema: { params: IdParams.extend({ kind: DocumentKindEnum }) },
    handler: async (req, reply) => {
      const doc = await renderDocument(deps, contextOf(req), req.params.id, req.params.kind);
      reply.header('Content-Type', DOCX).header('Content-Disposition', `attachment; filename="document.docx"; filename*=UTF-8''${encodeURIComponent(doc.fileName)}`).header('Cache-Control', 'no-store');
      return reply.send(doc.data);
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/development/candidates/:id/reports', operationId: 'uploadDevelopmentReport', summary: '代为上传思想汇报', tags: ['development'], access: 'development.manage',
    schema: { params: IdParams, response: { 201: Created } },
    handler: async (req, reply) => {
      const u = await readReportUpload(req);
      const r = await addReport(deps, contextOf(req), { fileId: req.params.id }, u.title, u.data, u.fileName);
      reply.code(201);
      return r;
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/development/deadlines', operationId: 'listDevelopmentDeadlines', summary: '发展党员期限（组织及下级，截至某日到期，含逾期）', tags: ['development'], access: 'development.read',
    schema: { querystring: ListDevelopmentDeadlinesQuery, response: { 200: DeadlinePage } },
    handler: async (req) => listDeadlines(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/development/overview', operationId: 'getDevelopmentOverview', summary: '发展看板：各阶段人数、逾期与下级组织情况', tags: ['development'], access: 'development.read',
    schema: { querystring: OverviewQuery, response: { 200: DevelopmentOverview } },
    handler: async (req) => overview(deps, contextOf(req), req.query.orgId),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/development/plans', operationId: 'getDevelopmentPlan', summary: '年度发展计划与完成情况', tags: ['development'], access: 'development.read',
    schema: { querystring: PlanQuery, response: { 200: PlanView } },
    handler: async (req) => getPlan(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'PUT', url: '/api/v1/development/plans', operationId: 'putDevelopmentPlan', summary: '制定年度发展计划', tags: ['development'], access: 'development.plan',
    schema: { body: PutPlanBody, response: { 200: Ok } },
    handler: async (req) => putPlan(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/development', operationId: 'getMyDevelopment', summary: '本人入党进度', tags: ['development'], access: 'self.read',
    schema: { response: { 200: MyDevelopment } },
    handler: async (req) => myDevelopment(deps, contextOf(req)),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/development/reports/:id', operationId: 'downloadMyDevelopmentReport', summary: '下载本人提交的思想汇报', tags: ['development'], access: 'self.read',
    schema: { params: IdParams },
    handler: async (req, reply) => {
      const f = await myReport(deps, contextOf(req), req.params.id);
      reply.headers(attachmentHeaders(f.fileName, f.mime));
      return reply.send(f.stream);
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/development/reports', operationId: 'uploadMyDevelopmentReport', summary: '提交思想汇报', tags: ['development'], access: 'self.read',
    schema: { response: { 201: Created } },
    handler: async (req, reply) => {
      const u = await readReportUpload(req);
      const r = await addReport(deps, contextOf(req), { self: true }, u.title, u.data, u.fileName);
      reply.code(201);
      return r;
    },
  });
}
