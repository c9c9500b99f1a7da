import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import websocket from '@fastify/websocket';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from './deps';
import { cleanUp } from './platform/maintenance';
import { genRequestId, installAuthentication, installErrorHandling, installJsonBodyParser, installOriginCheck, sendError } from './platform/http';
import { installProbeAudit } from './platform/probe-audit';
import { registerAuthRoutes } from './domains/auth';
import { registerOrgRoutes, registerOrgJobs, registerOrgWorkbench } from './domains/org';
import { registerMemberRoutes, registerMemberJobs } from './domains/member';
import { registerActivationRoutes } from './domains/activation';
import { registerAdminRoutes } from './domains/admin';
import { registerAuditRoutes, registerAuditJobs } from './domains/audit';
import { registerJobRoutes } from './domains/jobs';
import { registerNotificationRoutes, registerNotificationWorkbench } from './domains/notification';
import { registerFileRoutes } from './domains/file';
import { registerSystemJobs, registerSystemRoutes } from './domains/system';
import { registerDevelopmentRoutes, registerDevelopmentJobs, registerDevelopmentWorkbench } from './domains/development';
import { registerDuesRoutes, registerDuesJobs, registerDuesWorkbench } from './domains/dues';
import { registerSearchRoutes } from './domains/search';
import { registerApprovalRoutes } from './domains/approvals';
import { registerWorkbenchRoutes } from './domains/workbench';
import { registerTransferRoutes, registerTransferJobs, registerTransferWorkbench } from './domains/transfer';
import { registerMeetingRoutes, registerMeetingJobs, registerMeetingsWorkbench } from './domains/meeting';
import { registerPointsRoutes, registerPointsJobs, registerPointsWorkbench } from './domains/points';
import { registerPointSources } from './point-sources';
import { registerBranchIndexRoutes, registerBranchIndexJobs, registerIndexWorkbench } from './domains/branch-index';
import { registerIndexItems } from './index-items';
import { registerWarningDetectors } from './warning-detectors';
import { registerDashboardTiles } from './dashboard-tiles';
import { registerDashboardRoutes } from './domains/dashboard';
import { registerStatisticsRoutes } from './domains/statistics';
import { registerReportJobs, registerReportRoutes } from './domains/reports';
import { registerReportSubjects } from './report-subjects';
import { registerWarningRoutes, registerWarningJobs, registerWarningsWorkbench } from './domains/warning';
import { registerMapRoutes, tileOrigin } from './domains/map';
import { registerProjectRoutes } from './domains/project';
import { registerMallRoutes, registerMallJobs, registerMallWorkbench } from './domains/mall';
import { registerResidentRoutes } from './domains/resident';
import { registerVolunteerRoutes } from './domains/volunteer';
import { registerNeedRoutes, registerNeedJobs } from './domains/need';
import { registerPostRoutes, registerPostJobs } from './domains/post';
import { registerCommunityReportRoutes } from './domains/community-report';
import { registerClubRoutes } from './domains/club';
import { registerKioskRoutes } from './domains/kiosk';

z.config(z.locales.zhCN());

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

/** Composition of the HTTP server: plugins, the error envelope, every domain, the web app. */
export async function buildApp(deps: Deps, opts: { logger?: boolean | object; /** clock of the probe-audit limit (tests) */ now?: () => number } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    genReqId: genRequestId,
    // X-Forwarded-For / -Proto are believed only from the configured reverse proxies (TRUST_PROXY):
    // otherwise any client could pick its own address (login rate limit, audit log) and protocol (Secure cookie)
    trustProxy: deps.config.trustProxy.length ? deps.config.trustProxy : false,
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    // malformed or over-long URLs are answered by the router itself: keep the error envelope
    frameworkErrors: (_err, _req, reply) => sendError(reply, 'BAD_REQUEST'),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installOriginCheck(app);
  installJsonBodyParser(app);
  app.addHook('onSend', async (req, reply) => {
    reply.header('X-Request-Id', String(req.id));
  });

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:', 'blob:', ...(tileOrigin(deps.config.map.tileUrl) ? [tileOrigin(deps.config.map.tileUrl)!] : [])], styleSrc: ["'self'", "'unsafe-inline'"], scriptSrc: ["'self'"], connectSrc: ["'self'"], upgradeInsecureRequests: null },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(rateLimit, { global: false });
  // the meeting video room's signalling channel (WebRTC offers, answers, candidates; never media)
  await app.register(websocket, { options: { maxPayload: 128 * 1024 } });
  await app.register(multipart, { limits: { fileSize: deps.config.fileMaxBytes, files: 1, fields: 10 } });
  await app.register(swagger, {
    openapi: {
      info: { title: '智慧党建云平台 API', version: '1.0.0', description: 'REST JSON under /api/v1. Errors: { error: { code, message, requestId, details? } }.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'dj_sid' } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  installAuthentication(app, deps.db, { adminTotpRequired: deps.config.adminTotpRequired, sessions: deps.sessions });
  installProbeAudit(app, deps.db, { perMinute: deps.config.auditProbesPerMinute, now: opts.now });
  registerSystemRoutes(app, deps);
  registerAuthRoutes(app, deps);
  registerOrgRoutes(app, deps);
  registerMemberRoutes(app, deps);
  registerAdminRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerJobRoutes(app, deps);
  registerNotificationRoutes(app, deps);
  registerFileRoutes(app, deps);
  registerDevelopmentRoutes(app, deps);
  registerDuesRoutes(app, deps);
  registerSearchRoutes(app, deps);
  registerApprovalRoutes(app, deps);
  registerActivationRoutes(app, deps);
  registerWorkbenchRoutes(app, deps);
  registerTransferRoutes(app, deps);
  registerMeetingRoutes(app, deps);
  registerPointsRoutes(app, deps);
  registerPointSources();
  registerBranchIndexRoutes(app, deps);
  registerIndexItems();
  registerWarningDetectors();
  registerDashboardTiles();
  registerReportSubjects();
  registerDashboardRoutes(app, deps);
  registerStatisticsRoutes(app, deps);
  registerReportRoutes(app, deps);
  registerWarningRoutes(app, deps);
  registerMapRoutes(app, deps);
  registerProjectRoutes(app, deps);
  registerMallRoutes(app, deps);
  registerResidentRoutes(app, deps);
  registerVolunteerRoutes(app, deps);
  registerNeedRoutes(app, deps);
  registerPostRoutes(app, deps);
  registerCommunityReportRoutes(app, deps);
  registerClubRoutes(app, deps);
  registerKioskRoutes(app, deps);
  // the 工作台's sections: each domain adds its own source
  registerDevelopmentWorkbench();
  registerDuesWorkbench();
  registerTransferWorkbench();
  registerMeetingsWorkbench();
  registerPointsWorkbench();
  registerMallWorkbench();
  registerIndexWorkbench();
  registerOrgWorkbench();
  registerWarningsWorkbench();
  registerNotificationWorkbench();
  registerMemberJobs(deps);
  registerReportJobs(deps);
  registerOrgJobs(deps);
  registerDevelopmentJobs(deps);
  registerDuesJobs(deps);
  registerTransferJobs(deps);
  registerMeetingJobs(deps);
  registerPointsJobs(deps);
  registerMallJobs(deps);
  registerNeedJobs(deps);
  registerPostJobs(deps);
  registerBranchIndexJobs(deps);
  registerWarningJobs(deps);
  registerSystemJobs(deps);
  registerAuditJobs(deps);
  deps.jobs.register('maintenance.cleanup', async () => cleanUp(deps.db, deps.files));

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // The web app (built by Vite into dist/web), with SPA fallback for client routes.
  const hasWeb = fs.existsSync(path.join(WEB_DIST, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: ['index.html'] });
  // The big screen has its own lean entry (screen.html, no console code); every other client route the console's.
  const hasScreen = hasWeb && fs.existsSync(path.join(WEB_DIST, 'screen.html'));
  app.setNotFoundHandler((req, reply) => {
    const pathname = req.url.split('?')[0];
    if (hasWeb && req.method === 'GET' && !req.url.startsWith('/api/') && !path.extname(pathname)) {
      const page = hasScreen && (pathname === '/screen' || pathname === '/screen/') ? 'screen.html' : 'index.html';
      return reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').sendFile(page);
    }
    return sendError(reply, 'NOT_FOUND');
  });
  return app;
}
