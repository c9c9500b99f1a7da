import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { SESSION_COOKIE } from '../../platform/session';
import { ActivateAccountBody, ActivationRequestAnswer, ActivationResult, LinkAccountPersonBody, LinkedPersonView, RequestActivationBody } from '../../../contracts/activation';
import { IdParams, Ok } from '../../../contracts/common';
import { cookieOptions } from '../auth';
import * as service from './activation.service';


export function registerActivationRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  // public, limited per address like the login (and per person inside the service)
  const limit = { rateLimit: { max: deps.config.loginRatePerMinute, timeWindow: '1 minute' } };
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/auth/activation/request', operationId: 'requestMemberActivation', summary: '党员首次使用：核对身份并发送激活验证码', tags: ['auth'], access: 'public',
    schema: { body: RequestActivationBody, response: { 200: ActivationRequestAnswer } },
    config: limit,
    handler: async (req) => service.requestMemberActivation(deps, contextOf(req), req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/auth/activation/activate', operationId: 'activateMemberAccount', summary: '党员首次使用：输入验证码、设置密码并登录', tags: ['auth'], access: 'public',
    schema: { body: ActivateAccountBody, response: { 200: ActivationResult } },
    config: limit,
    handler: async (req, reply) => {
      const { token, absoluteSeconds, username } = await service.activateMemberAccount(deps, contextOf(req), req.body, req.headers['user-agent'] ?? null, req.cookies[SESSION_COOKIE] ?? null);
      reply.setCookie(SESSION_COOKIE, token, cookieOptions(deps, req, absoluteSeconds));
      return { ok: true as const, username };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/accounts/:id/person', operationId: 'linkAccountToPerson', summary: '账号关联党员（按姓名与身份证号）', tags: ['admin'], access: 'account.manage',
    schema: { params: IdParams, body: LinkAccountPersonBody, response: { 200: LinkedPersonView } },
    handler: async (req) => service.linkAccountToPerson(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/members/:id/activation/reset', operationId: 'resetMemberActivation', summary: '重置党员账号激活（停用其账号，可重新激活）', tags: ['member'], access: 'member.update',
    schema: { params: IdParams, response: { 200: Ok } },
    handler: async (req) => {
      await service.resetMemberActivation(deps, contextOf(req), req.params.id);
      return { ok: true as const };
    },
  });
}
