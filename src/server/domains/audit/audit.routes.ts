import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { audit, verifyAuditChain } from '../../platform/audit';
import { AuditPage, AuditVerifyResult, ListAuditQuery } from '../../../contracts/admin';
import { listAudit } from './audit.repo';

export function registerAuditRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/audit', operationId: 'listAuditLog', summary: '审计日志（仅审计管理员）', tags: ['audit'], access: 'audit.read',
    schema: { querystring: ListAuditQuery, response: { 200: AuditPage } },
    handler: async (req) => {
      const q = req.query;
      const { rows, total } = await listAudit(db, q);
      return {
        items: rows.map((r) => ({ id: r.id, at: r.at, username: r.username, roles: r.roles, action: r.action, objectType: r.object_type, objectId: r.object_id, objectName: r.object_name, outcome: r.outcome as 'success', ip: r.ip, requestId: r.request_id, detail: r.detail })),
        total, page: q.page, pageSize: q.pageSize,
      };
    },
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/audit/verify', operationId: 'verifyAuditLog', summary: '校验审计日志哈希链', tags: ['audit'], access: 'audit.read',
    schema: { response: { 200: AuditVerifyResult } },
    handler: async (req) => {
      // every problem is counted; the answer lists the first 100
      const result = await verifyAuditChain(db, { anchorDir: deps.config.auditAnchorDir, limit: 100 });
      await audit(db, contextOf(req), {
        action: 'audit.verify', outcome: result.ok ? 'success' : 'failure',
        detail: { checked: result.checked, firstBrokenId: result.firstBrokenId, problemCount: result.problemCount, brokenIds: result.problems.slice(0, 20).map((p) => p.id) },
      });
      return result;
    },
  });
}
