import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { SESSION_COOKIE } from '../../platform/session';
import {
  CommunityList, CommunityQuery, ListResidentsQuery, RegisterResidentBody, RegisterResidentResult, ResidentCodeAnswer, ResidentCodeBody, ResidentPage, ResidentProfile, UpdateResidentBody,
} from '../../../contracts/resident';
import { cookieOptions } from '../auth';
import * as service from './resident.service';

export function registerResidentRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  // public, limited per address like the login (and per number inside the service)
  const limit = { rateLimit: { max: deps.config.loginRatePerMinute, timeWindow: '1 minute' } };
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/public/communities', operationId: 'listCommunities', summary: '群众注册：按名称查找所在村（社区）及其网格', tags: ['resident'], access: 'public',
    schema: { querystring: CommunityQuery, response: { 200: CommunityList } },
    config: limit,
    handler: async (req) => service.listCommunities(deps, req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/public/residents/code', operationId: 'requestResidentCode', summary: '群众注册：向手机号发送验证码', tags: ['resident'], access: 'public',
    schema: { body: ResidentCodeBody, response: { 200: ResidentCodeAnswer } },
    config: limit,
    handler: async (req) => service.requestResidentCode(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/public/residents', operationId: 'registerResident', summary: '群众注册：验证码、密码、所在村（社区）、网格与地址，注册后登录', tags: ['resident'], access: 'public',
    schema: { body: RegisterResidentBody, response: { 201: RegisterResidentResult } },
    config: limit,
    handler: async (req, reply) => {
      const { token, absoluteSeconds, username } = await service.registerResident(deps, contextOf(req), req.body, req.headers['user-agent'] ?? null, req.cookies[SESSION_COOKIE] ?? null);
      reply.setCookie(SESSION_COOKIE, token, cookieOptions(deps, req, absoluteSeconds));
      return reply.code(201).send({ ok: true as const, username });
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/resident', operationId: 'getMyResidentProfile', summary: '群众本人资料：所在村（社区）、网格、地址', tags: ['resident'], access: 'resident.self',
    schema: { response: { 200: ResidentProfile } },
    handler: async (req) => service.getMyResidentProfile(deps, contextOf(req)),
  });
  defineRoute(app, db, {
    method: 'PUT', url: '/api/v1/me/resident', operationId: 'updateMyResidentProfile', summary: '群众修改本人资料（按页面上的版本）', tags: ['resident'], access: 'resident.self',
    schema: { body: UpdateResidentBody, response: { 200: ResidentProfile } },
    handler: async (req) => service.updateMyResidentProfile(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/residents', operationId: 'listResidents', summary: '本辖区注册群众（按村/社区、网格、姓名或地址）', tags: ['resident'], access: 'resident.read',
    schema: { querystring: ListResidentsQuery, response: { 200: ResidentPage } },
    handler: async (req) => service.listResidents(deps, contextOf(req), req.query),
  });
}
