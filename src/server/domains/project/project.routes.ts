import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { attachmentHeaders } from '../../platform/files';
import { Created, IdParams, Ok } from '../../../contracts/common';
import { FileView } from '../../../contracts/admin';
import {
  AcceptProjectBody, CreateProjectBody, ExportProjectsQuery, ListProjectsQuery, ProjectDetail, ProjectPage, RecordProgressBody, SaveMilestonesBody, UpdateProjectBody,
} from '../../../contracts/project';
import * as service from './project.service';
import { exportProjects } from './project.export';

const FileParams = z.object({ id: z.uuid({ message: '编号格式不正确' }), fileId: z.uuid({ message: '编号格式不正确' }) });
const ok = { ok: true as const };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function registerProjectRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/projects', operationId: 'listProjects', summary: '重点项目列表（书记项目、创新项目、重大工程）：计划与实际进度、预警级别，可按类型、状态、预警筛选', tags: ['project'], access: 'project.read',
    schema: { querystring: ListProjectsQuery, response: { 200: ProjectPage } },
    handler: async (req) => service.listProjects(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/projects/export', operationId: 'exportProjects', summary: '导出重点项目清单与路线图（Excel）', tags: ['project'], access: 'project.read',
    schema: { querystring: ExportProjectsQuery },
    handler: async (req, reply) => {
      const r = await exportProjects(deps, contextOf(req), req.query);
      return reply.headers(attachmentHeaders(r.fileName, XLSX)).send(r.data);
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/projects', operationId: 'createProject', summary: '立项：牵头组织、负责人、类型、立项依据、目标、起止日期，可同时制定路线图', tags: ['project'], access: 'project.manage',
    schema: { body: CreateProjectBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.createProject(deps, contextOf(req), req.body) }),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/projects/:id', operationId: 'getProject', summary: '重点项目详情：路线图、计划与实际进度、进展记录与佐证材料、验收考评', tags: ['project'], access: 'project.read',
    schema: { params: IdParams, response: { 200: ProjectDetail } },
    handler: async (req) => service.getProject(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'PUT', url: '/api/v1/projects/:id', operationId: 'updateProject', summary: '修改重点项目（牵头组织及其上级）', tags: ['project'], access: 'project.manage',
    schema: { params: IdParams, body: UpdateProjectBody, response: { 200: Ok } },
    handler: async (req) => (await service.updateProject(deps, contextOf(req), req.params.id, req.body), ok),
  });
  defineRoute(app, db, {
    method: 'PUT', url: '/api/v1/projects/:id/milestones', operationId: 'saveProjectMilestones', summary: '制定或调整路线图：节点、计划完成日期、权重、责任组织与责任人（已有进展的节点不能删除）', tags: ['project'], access: 'project.manage',
    schema: { params: IdParams, body: SaveMilestonesBody, response: { 200: Ok } },
    handler: async (req) => (await service.saveMilestones(deps, contextOf(req), req.params.id, req.body), ok),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/projects/:id/progress', operationId: 'recordProjectProgress', summary: '登记项目进展：节点完成比例、进展情况与佐证材料（牵头组织或节点责任组织）', tags: ['project'], access: 'project.manage',
    schema: { params: IdParams, body: RecordProgressBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.recordProgress(deps, contextOf(req), req.params.id, req.body) }),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/projects/:id/acceptance', operationId: 'acceptProject', summary: '验收与考评（须由牵头组织的上级党组织进行；不合格的限期整改）', tags: ['project'], access: 'project.accept',
    schema: { params: IdParams, body: AcceptProjectBody, response: { 200: Ok } },
    handler: async (req) => (await service.acceptProject(deps, contextOf(req), req.params.id, req.body), ok),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/projects/:id/files', operationId: 'uploadProjectFile', summary: '上传项目进展的佐证材料（照片、文件）', tags: ['project'], access: 'project.manage',
    schema: { params: IdParams, response: { 201: FileView } },
    handler: async (req, reply) => reply.code(201).send(await service.uploadProjectFile(deps, contextOf(req), req.params.id, req)),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/projects/:id/files/:fileId', operationId: 'downloadProjectFile', summary: '下载项目佐证材料', tags: ['project'], access: 'project.read',
    schema: { params: FileParams },
    handler: async (req, reply) => {
      const f = await service.projectFile(deps, contextOf(req), req.params.id, req.params.fileId);
      return reply.headers(attachmentHeaders(f.fileName, f.mime)).send(f.data);
    },
  });
}
