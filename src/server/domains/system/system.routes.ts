import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { defineRoute } from '../../platform/http';
import { Health, RuleVersionList } from '../../../contracts/admin';
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
  registerWorkCalendarRoutes(app, deps);
}
