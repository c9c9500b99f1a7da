import type { FastifyInstance } from 'fastify';
import { PassThrough } from 'node:stream';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { AppError } from '../../platform/errors';
import { detectAllowedType } from '../../platform/files';
import { CreateMemberBody, ExportMembersQuery, ListMembersQuery, MemberDetail, MemberImportAnswer, MemberPage, RecordMemberEventBody, RevealBody, RevealResult, UpdateMemberBody } from '../../../contracts/member';
import { Created, DryRunQuery, IdParams, Ok } from '../../../contracts/common';
import { MemberStats, MemberStatsQuery } from '../../../contracts/member-stats';
import { getOrgMemberStats } from './member.rollups';
import * as service from './member.service';
import { prepareExport, startExport } from './member.export';
import { buildTemplate, checkUpload, runImport } from './member.import';
import { enqueueImport } from './member.jobs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function attachmentName(name: string) {
  return `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function registerMemberRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/members', operationId: 'listMembers', summary: '党员名册（按姓名、拼音首字母、手机尾号查找）', tags: ['member'], access: 'member.read',
    schema: { querystring: ListMembersQuery, response: { 200: MemberPage } },
    handler: async (req) => service.listMembers(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/orgs/:id/member-stats', operationId: 'getOrgMemberStats', summary: '党员统计（按组织及其下级，读统计汇总）', tags: ['member'], access: 'member.read',
    schema: { params: IdParams, querystring: MemberStatsQuery, response: { 200: MemberStats } },
    handler: async (req) => getOrgMemberStats(deps, contextOf(req), req.params.id, req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/members/:id', operationId: 'getMember', summary: '党员档案', tags: ['member'], access: 'member.read',
    schema: { params: IdParams, response: { 200: MemberDetail } },
    handler: async (req) => service.getMember(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/profile', operationId: 'getMyProfile', summary: '本人党员档案', tags: ['member'], access: 'self.read',
    schema: { response: { 200: MemberDetail } },
    handler: async (req) => {
      if (!req.actor.personId) throw new AppError('NOT_FOUND', '您的账号未关联党员档案，请联系支部书记');
      return service.getMember(deps, contextOf(req), req.actor.personId);
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/members', operationId: 'createMember', summary: '新增党员', tags: ['member'], access: 'member.create',
    schema: { body: CreateMemberBody, response: { 201: Created } },
    handler: async (req, reply) => {
      const id = await service.createMember(deps, contextOf(req), req.body);
      reply.code(201);
      return { id };
    },
  });
  defineRoute(app, db, {
    method: 'PATCH', url: '/api/v1/members/:id', operationId: 'updateMember', summary: '编辑党员信息（组织关系与党员状态不在此修改）', tags: ['member'], access: 'member.update',
    schema: { params: IdParams, body: UpdateMemberBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.updateMember(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/members/:id/events', operationId: 'recordMemberEvent', summary: '登记转正、出党、停止党籍、死亡等变动', tags: ['member'], access: 'member.status',
    schema: { params: IdParams, body: RecordMemberEventBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.recordStatusEvent(deps, contextOf(req), req.params.id, req.body);
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/members/:id/reveal', operationId: 'revealMemberField', summary: '查看完整敏感信息（须填写事由，记入审计）', tags: ['member'], access: 'member.reveal',
    schema: { params: IdParams, body: RevealBody, response: { 200: RevealResult } },
    handler: async (req) => service.revealField(deps, contextOf(req), req.params.id, req.body.field, req.body.reason),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/members/export', operationId: 'exportMembers', summary: '导出党员名册（Excel，流式）', tags: ['member'], access: 'member.export',
    schema: { querystring: ExportMembersQuery },
    handler: async (req, reply) => {
      const ctx = contextOf(req);
      const plan = await prepareExport(deps, ctx, req.query);
      const write = await startExport(deps, ctx, plan);
      const stream = new PassThrough();
      reply.header('Content-Type', XLSX).header('Content-Disposition', attachmentName(`党员名册-${deps.clock.today()}.xlsx`)).header('Cache-Control', 'no-store');
      write(stream).catch((err) => {
        req.log.error({ err }, 'export failed');
        stream.destroy(err as Error);
      });
      return reply.send(stream);
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/members/import/template', operationId: 'getMemberImportTemplate', summary: '下载党员导入模板', tags: ['member'], access: 'member.import',
    handler: async (_req, reply) => {
      reply.header('Content-Type', XLSX).header('Content-Disposition', attachmentName('党员信息导入模板.xlsx'));
      return reply.send(await buildTemplate());
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/members/import', operationId: 'importMembers', summary: '导入党员（dryRun=true 只校验并返回逐行错误；否则作为后台任务执行）', tags: ['member'], access: 'member.import',
    schema: { querystring: DryRunQuery, response: { 200: MemberImportAnswer, 202: MemberImportAnswer } },
    handler: async (req, reply) => {
      const file = await req.file();
      if (!file) throw new AppError('VALIDATION_FAILED', '请选择要导入的 Excel 文件');
      const data = await file.toBuffer();
      await detectAllowedType(data, [XLSX]);
      const ctx = contextOf(req);
      if (req.query.dryRun === 'true') return { dryRun: true as const, report: await runImport(deps, ctx, data, false) };
      checkUpload(data);
      const jobId = await enqueueImport(deps, ctx, data);
      reply.code(202);
      return { dryRun: false as const, jobId };
    },
  });
}
