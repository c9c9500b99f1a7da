import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from '../../contracts/errors';
import { FIELD_LABELS } from '../../contracts/labels';
import { isStorableText } from '../../contracts/common';
import type { Permission } from '../../contracts/permissions';
import { AppError } from './errors';
import { can, isAdministrator, type Actor, type ActorContext, type RequestContext } from './actor';
import type { Db } from './db';
import { audit } from './audit';
import { resolveSession, SESSION_COOKIE } from './session';
import type { SessionCache } from './session-cache';
import type { ProbeAction } from './probe-audit';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionIdleSeconds: number | null;
    sessionExpired: boolean;
    hasTotp: boolean;
    totpEnrollmentRequired: boolean;
    passwordChangeRequired: boolean;
  }
}

export function sendError(reply: FastifyReply, code: ErrorCode, message?: string, details?: unknown) {
  return reply
    .code(ERROR_CODES[code].status)
    .type('application/json; charset=utf-8')
    .send({ error: { code, message: message ?? ERROR_CODES[code].message, requestId: String(reply.request.id), ...(details === undefined ? {} : { details }) } });
}

/** A signed-in request (every route but a public one) gives a context whose actor is non-null by type. */
export function contextOf(req: FastifyRequest & { actor: Actor }): ActorContext;
export function contextOf(req: FastifyRequest): RequestContext;
export function contextOf(req: FastifyRequest): RequestContext {
  return { requestId: String(req.id), ip: req.ip ?? null, actor: req.actor };
}

export function genRequestId(): string {
  return crypto.randomUUID();
}

interface ValidationIssue {
  code?: string;
  path?: PropertyKey[];
  message: string;
  instancePath?: string;
}

/** Words a schema issue for people: custom messages stay; generic ones name the field in Chinese. */
function wordIssue(field: string, code: string | undefined, message: string): string {
  const leaf = field.split('.').filter((p) => !/^\d+$/.test(p)).pop() ?? '';
  const label = FIELD_LABELS[leaf] ?? leaf;
  if (code === 'invalid_type' && /undefined/.test(message)) return `请填写${label}`;
  if (/[a-z]{3,}/i.test(message) || message.startsWith('无效') || message.startsWith('数值')) return label ? `${label}格式不正确（${message}）` : message;
  return message;
}

// busboy (behind @fastify/multipart) reports malformed bodies as plain Errors
const MULTIPART_ERRORS = [/^Multipart: Boundary not found$/, /unexpected end of (multipart data|form)$/i, /^Unsupported Content-Type\.?$/, /^Malformed part header$/, /^Malformed content type$/];
function isMalformedMultipart(err: unknown): boolean {
  return err instanceof Error && !(err as { statusCode?: number }).statusCode && MULTIPART_ERRORS.some((re) => re.test(err.message));
}

/** JSON bodies deeper than this are refused before any handler walks them. */
export const MAX_JSON_DEPTH = 64;

/**
 * Where a parsed JSON body breaks the edge rules: nesting deeper than
 * MAX_JSON_DEPTH, or a key or string with NUL or invalid Unicode (a lone
 * surrogate), which PostgreSQL cannot store as sent. Iterative, so that a
 * 5,000-deep body cannot overflow the stack here.
 */
export function jsonBodyProblem(value: unknown): { kind: 'depth' } | { kind: 'text'; field: string } | null {
  const stack: Array<{ v: unknown; depth: number; path: string }> = [{ v: value, depth: 0, path: '' }];
  while (stack.length) {
    const { v, depth, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (!isStorableText(v)) return { kind: 'text', field: path };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { kind: 'depth' };
    for (const [k, child] of Object.entries(v)) {
      const childPath = path ? `${path}.${k}` : k;
      if (!isStorableText(k)) return { kind: 'text', field: path };
      stack.push({ v: child, depth: depth + 1, path: childPath });
    }
  }
  return null;
}

/**
 * The one JSON body parser of every route: Fastify's own (prototype-poisoning
 * refused), then the edge rules of jsonBodyProblem, answered 400 before the
 * schema runs.
 */
export function installJsonBodyParser(app: FastifyInstance) {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    parse(req, body as string, (err: Error | null, value?: unknown) => {
      if (err) return done(err, undefined);
      const problem = jsonBodyProblem(value);
      if (!problem) return done(null, value);
      if (problem.kind === 'depth') return done(new AppError('BAD_REQUEST', `请求内容嵌套层级过深（最多 ${MAX_JSON_DEPTH} 层）`), undefined);
      const message = '不能包含空字符或无效的字符编码';
      return done(new AppError('VALIDATION_FAILED', message, { issues: [{ field: problem.field, message }], location: 'body' }), undefined);
    });
  });
}

/** The single error handler: AppError → its code; validation → VALIDATION_FAILED with field messages; else INTERNAL. */
export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((err: unknown, req, reply) => {
    if (err instanceof AppError) return sendError(reply, err.code, err.message, err.details);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = (err.validation as unknown as Array<{ params?: { issue?: ValidationIssue }; message?: string; instancePath?: string }>).map((v) => {
        const issue = v.params?.issue;
        const field = issue?.path?.map(String).join('.') || (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
        return { field, message: wordIssue(field, issue?.code, issue?.message ?? v.message ?? '格式不正确') };
      });
      const first = issues[0];
      return sendError(reply, 'VALIDATION_FAILED', first?.message, { issues, location: err.validationContext });
    }
    const e = err as { statusCode?: number; code?: string; message?: string };
    // a malformed multipart body (no boundary, a truncated part) is the caller's error
    if (isMalformedMultipart(err)) return sendError(reply, 'BAD_REQUEST', '上传的内容不完整或格式不正确，请重新上传');
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (e.statusCode === 400 && e.code?.startsWith('FST_'))) {
      return sendError(reply, 'BAD_REQUEST');
    }
    if (e.statusCode === 413 || e.code === 'FST_REQ_FILE_TOO_LARGE' || e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 'FILE_TOO_LARGE');
    if (e.statusCode === 429) return sendError(reply, 'RATE_LIMITED');
    if (e.statusCode === 415) return sendError(reply, 'BAD_REQUEST', '请求内容类型不受支持');
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return sendError(reply, 'BAD_REQUEST');
    req.log.error({ err }, 'unhandled error');
    return sendError(reply, 'INTERNAL');
  });
}

/** Resolves the session cookie into req.actor on every request. */
export function installAuthentication(app: FastifyInstance, db: Db, opts: { adminTotpRequired: boolean; sessions?: SessionCache }) {
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionIdleSeconds', null);
  app.decorateRequest('sessionExpired', false);
  app.decorateRequest('hasTotp', false);
  app.decorateRequest('totpEnrollmentRequired', false);
  app.decorateRequest('passwordChangeRequired', false);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const token = req.cookies?.[SESSION_COOKIE];
    if (!token) return;
    const r = await resolveSession(db, token, opts.sessions);
    if (r.kind === 'ok') {
      req.actor = r.actor;
      req.sessionIdleSeconds = r.idleSeconds;
      req.hasTotp = r.hasTotp;
      req.totpEnrollmentRequired = opts.adminTotpRequired && !r.hasTotp && isAdministrator(r.actor);
      req.passwordChangeRequired = r.mustChangePassword;
    } else if (r.kind === 'expired') req.sessionExpired = true;
  });
}

export type Access = Permission | 'public' | 'authenticated';

export interface RouteSpec<S extends RouteSchema, A extends Access = Access> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  operationId: string;
  summary: string;
  tags?: string[];
  access: A;
  /** reachable by an account that still has to finish setting up: enrol a second factor, or replace a password set by the security administrator */
  allowDuringEnrollment?: boolean;
  schema?: S;
  config?: RouteShorthandOptions['config'];
  bodyLimit?: number;
  /**
   * A WebSocket route (GET): the upgrade request passes the same authentication,
   * permission and origin checks; `handler` answers a plain HTTP request to it.
   */
  websocket?: (socket: WebSocket, req: A extends 'public' ? TypedRequest<S> : TypedRequest<S> & { actor: Actor }) => void;
  /** a public route's request may have no actor; any other route's has one (checked before the handler runs) */
  handler: (req: A extends 'public' ? TypedRequest<S> : TypedRequest<S> & { actor: Actor }, reply: FastifyReply) => Promise<unknown>;
}

export interface RouteSchema {
  body?: z.ZodType;
  querystring?: z.ZodType;
  params?: z.ZodType;
  response?: Record<number, z.ZodType>;
}

export type TypedRequest<S extends RouteSchema> = FastifyRequest<{
  Body: S['body'] extends z.ZodType ? z.output<S['body']> : unknown;
  Querystring: S['querystring'] extends z.ZodType ? z.output<S['querystring']> : unknown;
  Params: S['params'] extends z.ZodType ? z.output<S['params']> : unknown;
}>;

// Every route registered through here; the registry backs the permission
// matrix test ("every route has an entry in the permission table").
export const routeRegistry: Array<{ method: string; url: string; operationId: string; access: Access }> = [];

/**
 * Registers an API route: parse (zod schemas) → authenticate → authorize
 * (the declared permission; deny by default) → handler (one use-case).
 */
export function defineRoute<S extends RouteSchema, A extends Access>(app: FastifyInstance, db: Db, spec: RouteSpec<S, A>) {
  if (!routeRegistry.some((r) => r.operationId === spec.operationId)) routeRegistry.push({ method: spec.method, url: spec.url, operationId: spec.operationId, access: spec.access });
  app.withTypeProvider<ZodTypeProvider>().route({
    method: spec.method,
    url: spec.url,
    bodyLimit: spec.bodyLimit,
    config: spec.config,
    schema: { ...(spec.schema ?? {}), operationId: spec.operationId, summary: spec.summary, tags: spec.tags } as never,
    ...(spec.websocket ? { wsHandler: spec.websocket as never } : {}),
    preValidation: async (req, reply) => {
      // a browser opens a WebSocket from any page it likes, with the cookies of this site: only our own pages may
      if (spec.websocket && !sameOrigin(req)) return sendError(reply, 'ORIGIN_REJECTED');
      if (spec.access === 'public') return;
      if (!req.actor) return sendError(reply, req.sessionExpired ? 'SESSION_EXPIRED' : 'UNAUTHENTICATED');
      if (req.passwordChangeRequired && !spec.allowDuringEnrollment) return sendError(reply, 'PASSWORD_CHANGE_REQUIRED');
      if (req.totpEnrollmentRequired && !spec.allowDuringEnrollment) return sendError(reply, 'TOTP_ENROLLMENT_REQUIRED');
      if (spec.access === 'authenticated') return;
      if (!can(req.actor, spec.access)) {
        await auditProbe(db, req, 'access.denied', { operationId: spec.operationId, permission: spec.access, method: req.method, url: req.url.split('?')[0] });
        return sendError(reply, 'FORBIDDEN');
      }
    },
    // a signed-in request for an object that is not found (or out of scope, which answers the same) is audited
    handler: (async (req: FastifyRequest, reply: FastifyReply) => {
      try {
        return await (spec.handler as (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>)(req, reply);
      } catch (err) {
        if (err instanceof AppError && err.code === 'NOT_FOUND' && req.actor) {
          await auditProbe(db, req, 'access.not_found', { operationId: spec.operationId, method: req.method, url: req.url.split('?')[0] });
        }
        throw err;
      }
    }) as never,
  });
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * Cross-site request forgery, beyond SameSite cookies: a state-changing API
 * request that carries an Origin header must come from this site (the
 * scheme://host:port the request was made to, as the trusted proxy reports it).
 * Browsers send Origin with every such request; clients without one (the CLI,
 * payment providers, scripts) are not browsers and carry no ambient cookie risk.
 */
export function installOriginCheck(app: FastifyInstance) {
  app.addHook('onRequest', async (req, reply) => {
    if (!STATE_CHANGING.has(req.method) || !req.url.startsWith('/api/')) return;
    if (!sameOrigin(req)) return sendError(reply, 'ORIGIN_REJECTED');
  });
}

/** No Origin header (not a browser), or the origin this request was made to. */
function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const ownOrigin = originOf(`${req.protocol}://${req.host}`);
  const given = origin === 'null' ? null : originOf(origin);
  return !!given && given === ownOrigin;
}

/** Audits a denied or not-found answer through the app's per-account limit (unlimited on an app without one). */
async function auditProbe(db: Db, req: FastifyRequest, action: ProbeAction, detail: Record<string, unknown>) {
  if (req.server.probeAuditor) return req.server.probeAuditor.record(req, action, detail);
  await audit(db, contextOf(req), { action, outcome: 'denied', detail });
}
