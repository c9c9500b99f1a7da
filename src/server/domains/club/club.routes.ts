import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { Created, IdParams } from '../../../contracts/common';
import { ClubDetail, ClubPage, CreateClubActivityBody, CreateClubBody, DissolveClubBody, ListClubsQuery, MyClubDetail, MyClubs, MyClubsQuery, ReviewClubBody } from '../../../contracts/club';
import * as service from './club.service';

export function registerClubRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  // members and residents on the phone
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/clubs', operationId: 'getMyClubs', summary: '社团：本村（社区）活动中的社团、我创建和加入的社团', tags: ['club'], access: 'volunteer.self',
    schema: { querystring: MyClubsQuery, response: { 200: MyClubs } },
    handler: async (req) => service.getMyClubs(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/clubs', operationId: 'createClub', summary: '申请成立社团（名称、类别、介绍；由所在村（社区）审核后成立，申请人任负责人）', tags: ['club'], access: 'volunteer.self',
    schema: { body: CreateClubBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.createClub(deps, contextOf(req), req.body) }),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/clubs/:id', operationId: 'getMyClub', summary: '社团详情：介绍、活动（成员可报名）、成员名单（仅成员可见）', tags: ['club'], access: 'volunteer.self',
    schema: { params: IdParams, response: { 200: MyClubDetail } },
    handler: async (req) => service.getMyClub(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/clubs/:id/join', operationId: 'joinClub', summary: '加入社团', tags: ['club'], access: 'volunteer.self',
    schema: { params: IdParams, response: { 200: MyClubDetail } },
    handler: async (req) => service.joinClub(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/clubs/:id/leave', operationId: 'leaveClub', summary: '退出社团（负责人不能退出）', tags: ['club'], access: 'volunteer.self',
    schema: { params: IdParams, response: { 200: MyClubDetail } },
    handler: async (req) => service.leaveClub(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/clubs/:id/activities', operationId: 'createClubActivity', summary: '社团负责人发布社团活动（地点、时间、人数上限；成员报名方式与志愿服务活动相同，不计志愿服务时长）', tags: ['club'], access: 'volunteer.self',
    schema: { params: IdParams, body: CreateClubActivityBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.createClubActivity(deps, contextOf(req), req.params.id, req.body) }),
  });
  // the community's staff in the console
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/clubs', operationId: 'listClubs', summary: '社团管理：本组织及下级村（社区）的社团与成立申请', tags: ['club'], access: 'volunteer.read',
    schema: { querystring: ListClubsQuery, response: { 200: ClubPage } },
    handler: async (req) => service.listClubs(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/clubs/:id', operationId: 'getClub', summary: '社团详情：成员与活动', tags: ['club'], access: 'volunteer.read',
    schema: { params: IdParams, response: { 200: ClubDetail } },
    handler: async (req) => service.getClub(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/clubs/:id/review', operationId: 'reviewClub', summary: '审核社团成立申请（通过或写明原因不通过，告知申请人）', tags: ['club'], access: 'volunteer.manage',
    schema: { params: IdParams, body: ReviewClubBody, response: { 200: ClubDetail } },
    handler: async (req) => service.reviewClub(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/clubs/:id/dissolve', operationId: 'dissolveClub', summary: '解散社团（写明原因；未开始的活动随之取消，告知成员）', tags: ['club'], access: 'volunteer.manage',
    schema: { params: IdParams, body: DissolveClubBody, response: { 200: ClubDetail } },
    handler: async (req) => service.dissolveClub(deps, contextOf(req), req.params.id, req.body),
  });
}
