import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { SESSION_COOKIE } from '../../platform/session';
import { ChangePasswordBody, LoginBody, MeView, TotpEnableBody, TotpSetupView } from '../../../contracts/auth';
import { Ok } from '../../../contracts/common';
import * as service from './auth.service';

export function cookieOptions(deps: Deps, req: FastifyRequest, maxAge?: number) {
  const secure = deps.config.cookieSecure === 'auto' ? req.protocol === 'https' : deps.config.cookieSecure === 'true';
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, ...(maxAge ? { maxAge } : {}) };
}

export function registerAuthRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/auth/login', operationId: 'login', summary: '登录', tags: ['auth'], access: 'public',
    schema: { body: LoginBody, response: { 200: Ok } },
    config: { rateLimit: { max: deps.config.loginRatePerMinute, timeWindow: '1 minute' } },
    handler: async (req, reply: FastifyReply) => {
      const previous = req.cookies[SESSION_COOKIE] ?? null;
      const { token, absoluteSeconds } = await service.login(deps, contextOf(req), req.body.username, req.body.password, req.body.totpCode, req.headers['user-agent'] ?? null, previous);
      reply.setCookie(SESSION_COOKIE, token, cookieOptions(deps, req, absoluteSeconds));
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/auth/logout', operationId: 'logout', summary: '退出登录', tags: ['auth'], access: 'public',
    schema: { response: { 200: Ok } },
    handler: async (req, reply) => {
      await service.logout(deps, contextOf(req), req.cookies[SESSION_COOKIE] ?? null);
      reply.clearCookie(SESSION_COOKIE, cookieOptions(deps, req));
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me', operationId: 'getMe', summary: '当前用户、角色与权限', tags: ['auth'], access: 'authenticated', allowDuringEnrollment: true,
    schema: { response: { 200: MeView } },
    handler: async (req) => service.getMe(deps, contextOf(req), req.sessionIdleSeconds ?? deps.config.session.idleSeconds, { enabled: req.hasTotp, enrollmentRequired: req.totpEnrollmentRequired }, req.passwordChangeRequired),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/password', operationId: 'changePassword', summary: '修改密码', tags: ['auth'], access: 'authenticated', allowDuringEnrollment: true,
    schema: { body: ChangePasswordBody, response: { 200: Ok } },
    handler: async (req, reply) => {
      await service.changePassword(deps, contextOf(req), req.body.currentPassword, req.body.newPassword);
      reply.clearCookie(SESSION_COOKIE, cookieOptions(deps, req));
      return { ok: true as const };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/totp/setup', operationId: 'setupTotp', summary: '生成身份验证器绑定二维码（双因素认证）', tags: ['auth'], access: 'authenticated', allowDuringEnrollment: true,
    schema: { response: { 200: TotpSetupView } },
    handler: async (req) => service.setupTotp(deps, contextOf(req)),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/totp/enable', operationId: 'enableTotp', summary: '输入动态验证码完成绑定', tags: ['auth'], access: 'authenticated', allowDuringEnrollment: true,
    schema: { body: TotpEnableBody, response: { 200: Ok } },
    handler: async (req) => {
      await service.enableTotp(deps, contextOf(req), req.body.code);
      return { ok: true as const };
    },
  });
}
