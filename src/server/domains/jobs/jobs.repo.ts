import type { Queryable } from '../../platform/db';
import { grantsWith, type Actor } from '../../platform/actor';
import { sql, raw, type Sql } from '../../platform/sql';

// The job-history domain's SQL: rows of the job queue (platform/jobs runs them).

export interface JobRow { id: string; kind: string; status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'; progress: number; progress_total: number | null; message: string | null; attempts: number; last_error: string | null; result: unknown; created_at: string; started_at: string | null; finished_at: string | null }

/** A user sees the jobs they started; an installation-wide grant (the system administrator) sees all. */
export function jobScope(actor: Actor): Sql {
  return grantsWith(actor, 'job.read').some((g) => g.orgId === null) ? raw('TRUE') : sql`j.created_by = ${actor.accountId}`;
}

/** One page of jobs in scope (`jobScope` on j), newest first. */
export function listJobs(q: Queryable, scope: Sql, limit: number, offset: number) {
  return q.query<JobRow>(sql`SELECT * FROM job j WHERE ${scope} ORDER BY created_at DESC LIMIT ${limit} OFFSET ${offset}`);
}

/** How many jobs are in scope. */
export async function countJobs(q: Queryable, scope: Sql): Promise<number> {
  const { n } = await q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM job j WHERE ${scope}`);
  return n;
}

/** One job, if in scope. */
export function findJob(q: Queryable, id: string, scope: Sql) {
  return q.maybeOne<JobRow>(sql`SELECT * FROM job j WHERE j.id = ${id} AND ${scope}`);
}

export interface JobWithCreatorRow {
  id: string; kind: string; status: string; progress: number; progress_total: number | null; message: string | null; attempts: number; max_attempts: number;
  last_error: string | null; result: unknown; payload: unknown; created_by_name: string | null; created_at: string; started_at: string | null; finished_at: string | null;
}

/** The latest jobs of the installation with their creators' usernames (the operator CLI). */
export function listJobsWithCreator(q: Queryable, limit: number) {
  return q.query<JobWithCreatorRow>(sql`SELECT j.*, a.username AS created_by_name FROM job j LEFT JOIN account a ON a.id = j.created_by
      ORDER BY j.created_at DESC, j.id LIMIT ${limit}`);
}

/** One job with its creator's username (the operator CLI). */
export function findJobWithCreator(q: Queryable, id: string) {
  return q.maybeOne<JobWithCreatorRow>(sql`SELECT j.*, a.username AS created_by_name FROM job j LEFT JOIN account a ON a.id = j.created_by WHERE j.id = ${id}::uuid`);
}
