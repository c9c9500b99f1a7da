import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { ExportReportBody, ReportDeliveries, ReportResult, ReportSpec, ScheduleReportBody, ReportSubjects, SavedReport, SavedReports, SaveReportBody } from '../../../contracts/reports';
import { listReports, listReportSubjects, runReport, saveReport } from './reports.service';
import { exportReport } from './reports.export';
import { downloadReportDelivery, listReportDeliveries, scheduleReport } from './reports.schedule';
import { z } from 'zod';
import { attachmentHeaders } from '../../platform/files';

// 自定义报表: each subject's own permission is checked inside (403 without it);
// the routes need the org tree (org.read) that every report is placed in.

export function registerReportRoutes(app: FastifyInstance, deps: Deps) {
  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/reports/subjects', operationId: 'listReportSubjects',
    summary: '自定义报表可用的统计主题（按权限）：维度、指标与可筛选的取值', tags: ['reports'], access: 'org.read',
    schema: { response: { 200: ReportSubjects } },
    handler: async (req) => listReportSubjects(contextOf(req)),
  });
  defineRoute(app, deps.db, {
    method: 'POST', url: '/api/v1/reports/run', operationId: 'runReport',
    summary: '运行自定义报表：在管理范围内按所选组织及以下、期间、维度和指标汇总（每个数字附所对应名单的链接）', tags: ['reports'], access: 'org.read',
    schema: { body: ReportSpec, response: { 200: ReportResult } },
    handler: async (req) => runReport(deps, contextOf(req), req.body),
  });
  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/reports', operationId: 'listReports',
    summary: '已保存的自定义报表：本人保存的和管理范围内共享的', tags: ['reports'], access: 'org.read',
    schema: { response: { 200: SavedReports } },
    handler: async (req) => listReports(deps, contextOf(req)),
  });
  defineRoute(app, deps.db, {
    method: 'POST', url: '/api/v1/reports', operationId: 'saveReport',
    summary: '保存自定义报表（可在管理范围内共享）', tags: ['reports'], access: 'org.read',
    schema: { body: SaveReportBody, response: { 200: SavedReport } },
    handler: async (req) => saveReport(deps, contextOf(req), req.body),
  });
  defineRoute(app, deps.db, {
    // a file, not JSON: no response schema (listed as such in tests/integration/openapi.test.ts)
    method: 'POST', url: '/api/v1/reports/export', operationId: 'exportReport',
    summary: '导出自定义报表（Excel、PDF 或 Word，含服务器绘制的图表）', tags: ['reports'], access: 'org.read',
    schema: { body: ExportReportBody },
    handler: async (req, reply) => {
      const f = await exportReport(deps, contextOf(req), req.body);
      return reply.headers(attachmentHeaders(f.fileName, f.contentType)).send(f.data);
    },
  });
  defineRoute(app, deps.db, {
    method: 'POST', url: '/api/v1/reports/:id/schedule', operationId: 'scheduleReport',
    summary: '设置本人保存的报表定期发送（每月或每季度，上一期的报表文件送到通知中心）或停止发送', tags: ['reports'], access: 'org.read',
    schema: { params: z.object({ id: z.uuid() }), body: ScheduleReportBody, response: { 200: SavedReport } },
    handler: async (req) => scheduleReport(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, deps.db, {
    method: 'GET', url: '/api/v1/reports/deliveries', operationId: 'listReportDeliveries',
    summary: '本人收到的定期报表文件', tags: ['reports'], access: 'org.read',
    schema: { response: { 200: ReportDeliveries } },
    handler: async (req) => listReportDeliveries(deps, contextOf(req)),
  });
  defineRoute(app, deps.db, {
    // a file, not JSON: no response schema (listed as such in tests/integration/openapi.test.ts)
    method: 'GET', url: '/api/v1/reports/deliveries/:id/download', operationId: 'downloadReportDelivery',
    summary: '下载本人收到的定期报表文件', tags: ['reports'], access: 'org.read',
    schema: { params: z.object({ id: z.uuid() }) },
    handler: async (req, reply) => {
      const f = await downloadReportDelivery(deps, contextOf(req), req.params.id);
      return reply.headers(attachmentHeaders(f.fileName, f.contentType)).send(f.data);
    },
  });
}
