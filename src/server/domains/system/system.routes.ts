import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { BackupList, BackupStarted, Health, RuleVersionList } from '../../../contracts/admin';
import { listBackups } from './backups';
import { registerWorkCalendarRoutes } from './calendar';
import * as repo from './system.repo';

export function registerSystemRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/health', operationId: 'health', summary: '健康检查（数据库可达时 200）', tags: ['system'], access: 'public',
    schema: { response: { 200: Health } },
    handler: async () => {
      await repo.pingDatabase(db);
      return { status: 'ok' as const, database: 'ok' as const };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/rules', operationId: 'listRuleVersions', summary: '规则版本（来源、生效日期）', tags: ['system'], access: 'system.config',
    schema: { response: { 200: RuleVersionList } },
    handler: async () => {
      const rows = await repo.listRuleVersions(db);
      return { items: rows.map((r) => ({ id: r.id, domain: r.domain, key: r.key, scopeOrgId: r.scope_org_id, effectiveFrom: r.effective_from, effectiveTo: r.effective_to, source: r.source, body: r.body })) };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/system/backups', operationId: 'listBackups', summary: '数据备份：定时备份的目录、周期、保留份数与已有备份', tags: ['system'], access: 'system.config',
    schema: { response: { 200: BackupList } },
    handler: async () => ({ dir: deps.config.backup.dir, everyHours: deps.config.backup.everyHours, keep: deps.config.backup.keep, items: await listBackups(deps) }),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/system/backups', operationId: 'startBackup', summary: '立即备份（后台任务，完成后按保留份数清理旧备份）', tags: ['system'], access: 'system.config',
    schema: { response: { 202: BackupStarted } },
    handler: async (req, reply) => {
      const jobId = await deps.jobs.enqueue('system.backup', {}, { createdBy: contextOf(req).actor.accountId, maxAttempts: 1 });
      reply.code(202);
      return { jobId };
    },
  });
  registerWorkCalendarRoutes(app, deps);
}
