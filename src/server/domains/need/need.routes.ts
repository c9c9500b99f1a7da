import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { Created, IdParams } from '../../../contracts/common';
import {
  CancelNeedBody, CompleteNeedBody, ListNeedsQuery, MatchNeedBody, MyNeeds, MyServableNeeds, NeedDetail, NeedPage, NeedView, PublishNeedBody, RateNeedBody, SaveVolunteerProfileBody,
  ServableNeedView, VolunteerProfileView,
} from '../../../contracts/need';
import * as service from './need.service';

export function registerNeedRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  // the resident: 点单 and 评单
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/needs', operationId: 'publishNeed', summary: '发布群众需求（微心愿）：类别、说明、地点、时间；发布即按技能、距离、时间和近期接单量推送给最合适的志愿者', tags: ['need'], access: 'resident.self',
    schema: { body: PublishNeedBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.publishNeed(deps, contextOf(req), req.body) }),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/needs', operationId: 'listMyNeeds', summary: '我发布的需求（最新在前）', tags: ['need'], access: 'resident.self',
    schema: { response: { 200: MyNeeds } },
    handler: async (req) => service.listMyNeeds(deps, contextOf(req)),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/needs/:id/cancel', operationId: 'cancelMyNeed', summary: '撤回我发布的需求（接单之前）', tags: ['need'], access: 'resident.self',
    schema: { params: IdParams, body: CancelNeedBody, response: { 200: NeedView } },
    handler: async (req) => service.cancelMyNeed(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/needs/:id/rate', operationId: 'rateNeed', summary: '评单：对已办结的需求评分（1至5星）和评价', tags: ['need'], access: 'resident.self',
    schema: { params: IdParams, body: RateNeedBody, response: { 200: NeedView } },
    handler: async (req) => service.rateNeed(deps, contextOf(req), req.params.id, req.body),
  });
  // the volunteer: 接单意愿, 接单, 办结
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/volunteer/needs', operationId: 'getMyServableNeeds', summary: '身边需求：推送给我的和本村（社区）的待接单需求、我接的单、我的接单意愿', tags: ['need'], access: 'volunteer.self',
    schema: { response: { 200: MyServableNeeds } },
    handler: async (req) => service.getMyServableNeeds(deps, contextOf(req)),
  });
  defineRoute(app, db, {
    method: 'PUT', url: '/api/v1/me/volunteer/profile', operationId: 'saveMyVolunteerProfile', summary: '保存接单意愿：服务的村（社区）和网格、技能、可服务时间、是否接单', tags: ['need'], access: 'volunteer.self',
    schema: { body: SaveVolunteerProfileBody, response: { 200: VolunteerProfileView } },
    handler: async (req) => service.saveMyVolunteerProfile(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/volunteer/needs/:id/claim', operationId: 'claimNeed', summary: '接单（先到先得：一条需求只由一名志愿者接单）', tags: ['need'], access: 'volunteer.self',
    schema: { params: IdParams, response: { 200: ServableNeedView } },
    handler: async (req) => service.claimNeed(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/volunteer/needs/:id/complete', operationId: 'completeNeed', summary: '办结：登记办理情况，请群众评价', tags: ['need'], access: 'volunteer.self',
    schema: { params: IdParams, body: CompleteNeedBody, response: { 200: ServableNeedView } },
    handler: async (req) => service.completeNeed(deps, contextOf(req), req.params.id, req.body),
  });
  // the community's staff
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/needs', operationId: 'listNeeds', summary: '群众需求：本村（社区）及下级的需求，可按状态、是否超时上报筛选', tags: ['need'], access: 'volunteer.read',
    schema: { querystring: ListNeedsQuery, response: { 200: NeedPage } },
    handler: async (req) => service.listNeeds(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/needs/:id', operationId: 'getNeed', summary: '群众需求详情：匹配的志愿者（按得分排序）和已推送的志愿者', tags: ['need'], access: 'volunteer.read',
    schema: { params: IdParams, response: { 200: NeedDetail } },
    handler: async (req) => service.getNeed(deps, contextOf(req), req.params.id),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/needs/:id/match', operationId: 'matchNeed', summary: '派单：推送给所选志愿者，或推送给尚未推送的最佳人选', tags: ['need'], access: 'volunteer.manage',
    schema: { params: IdParams, body: MatchNeedBody, response: { 200: NeedDetail } },
    handler: async (req) => service.matchNeed(deps, contextOf(req), req.params.id, req.body),
  });
}
