import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { defineRoute } from '../../platform/http';
import { notFound } from '../../platform/errors';
import { JobPage, JobView } from '../../../contracts/admin';
import { PageQuery } from '../../../contracts/common';
import { countJobs, findJob, jobScope, listJobs, type JobRow } from './jobs.repo';

const present = (r: JobRow) => ({ id: r.id, kind: r.kind, status: r.status, progress: r.progress, progressTotal: r.progress_total, message: r.message, attempts: r.attempts, lastError: r.last_error, result: r.result, createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at });

export function registerJobRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/jobs', operationId: 'listJobs', summary: '任务记录', tags: ['jobs'], access: 'job.read',
    schema: { querystring: PageQuery, response: { 200: JobPage } },
    handler: async (req) => {
      const where = jobScope(req.actor);
      const rows = await listJobs(db, where, req.query.pageSize, (req.query.page - 1) * req.query.pageSize);
      const n = await countJobs(db, where);
      return { items: rows.map(present), total: n, page: req.query.page, pageSize: req.query.pageSize };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/jobs/:id', operationId: 'getJob', summary: '任务进度与结果', tags: ['jobs'], access: 'job.read',
    schema: { params: z.object({ id: z.uuid() }), response: { 200: JobView } },
    handler: async (req) => {
      const row = await findJob(db, req.params.id, jobScope(req.actor));
      if (!row) throw notFound();
      return present(row);
    },
  });
}
