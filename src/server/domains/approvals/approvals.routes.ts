import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { MyApprovals, MyApprovalsQuery } from '../../../contracts/approvals';
import { listMyApprovals } from './approvals.service';

export function registerApprovalRoutes(app: FastifyInstance, deps: Deps) {
  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/me/approvals', operationId: 'listMyApprovals', summary: '待我审批：本人可决定的发展党员审批（预审、审批、转正审批）与党费减免申请（限本人管理范围）', tags: ['approvals'], access: 'authenticated',
    schema: { querystring: MyApprovalsQuery, response: { 200: MyApprovals } },
    handler: async (req) => listMyApprovals(deps, contextOf(req), req.query),
  });
}
