import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps';
import { defineRoute } from '../../platform/http';
import { grantsWith, type Actor } from '../../platform/actor';
import { notFound } from '../../platform/errors';
import { sql, raw, type Sql } from '../../platform/sql';
import { JobPage, JobView } from '../../../contracts/admin';
import { PageQuery } from '../../../contracts/common';

interface JobRow { id: string; kind: string; status: z.infer<typeof JobView>['status']; progress: number; progress_total: number | null; message: string | null; attempts: number; last_error: string | null; result: unknown; created_at: string; started_at: string | null; finished_at: string | null }

// A user sees the jobs they started; an installation-wide grant (the system administrator) sees all.
function jobScope(actor: Actor): Sql {
  return grantsWith(actor, 'job.read').some((g) => g.orgId === null) ? raw('TRUE') : sql`j.created_by = ${actor.accountId}`;
}

const present = (r: JobRow) => ({ id: r.id, kind: r.kind, status: r.status, progress: r.progress, progressTotal: r.progress_total, message: r.message, attempts: r.attempts, lastError: r.last_error, result: r.result, createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at });

export function registerJobRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/jobs', operationId: 'listJobs', summary: '任务记录', tags: ['jobs'], access: 'job.read',
    schema: { querystring: PageQuery, response: { 200: JobPage } },
    handler: async (req) => {
      const where = jobScope(req.actor!);
      const rows = await db.query<JobRow>(sql`SELECT * FROM job j WHERE ${where} ORDER BY created_at DESC LIMIT ${req.query.pageSize} OFFSET ${(req.query.page - 1) * req.query.pageSize}`);
      const { n } = await db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM job j WHERE ${where}`);
      return { items: rows.map(present), total: n, page: req.query.page, pageSize: req.query.pageSize };
    },
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/jobs/:id', operationId: 'getJob', summary: '任务进度与结果', tags: ['jobs'], access: 'job.read',
    schema: { params: z.object({ id: z.uuid() }), response: { 200: JobView } },
    handler: async (req) => {
      const row = await db.maybeOne<JobRow>(sql`SELECT * FROM job j WHERE j.id = ${req.params.id} AND ${jobScope(req.actor!)}`);
      if (!row) throw notFound();
      return present(row);
    },
  });
}
