import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { createDb, type Db } from '../../src/server/platform/db';
import { createJobRunner, JobInterrupted, type JobRunner } from '../../src/server/platform/jobs';
import { createHarness, login, type Harness } from '../helpers/harness';
import { JOB_KINDS } from '../../src/contracts/admin';
import { makeAccount, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';

// The job queue of platform/jobs.ts against a real PostgreSQL: run once,
// retry with exponential backoff, dedupe, exactly-once under two competing
// runners (separate connection pools, as two app instances would have),
// schedules, and progress as seen through GET /api/v1/jobs/:id.

let h: Harness;
let otherDb: Db;
beforeAll(async () => {
  h = await createHarness();
  otherDb = createDb(h.dbUrl, 5);
});
afterAll(async () => {
  await otherDb.close();
  await h.close();
});

const kindOf = (label: string) => `test.${label}.${crypto.randomBytes(4).toString('hex')}`;

interface JobRow { id: string; status: string; attempts: number; run_at: string; last_error: string | null; result: unknown; finished_at: string | null }
const jobRow = (id: string) => h.db.one<JobRow>(sql`SELECT id, status, attempts, run_at, last_error, result, finished_at FROM job WHERE id = ${id}`);

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('job kinds', () => {
  it('names every kind of job the platform runs in Chinese, and no other', () => {
    const registered = h.deps.jobs.kinds();
    expect(registered.length).toBeGreaterThanOrEqual(9);
    expect([...registered].sort()).toEqual(Object.keys(JOB_KINDS).sort());
    for (const k of registered) expect(JOB_KINDS[k], k).toMatch(/^[\u4e00-\u9fa5、与]+$/);
  });
});

describe('job runner', () => {
  it('runs an enqueued job once and stores its result', async () => {
    const runner = createJobRunner(h.db);
    const kind = kindOf('once');
    const seen: unknown[] = [];
    runner.register(kind, async (job) => {
      seen.push(job.payload);
      return { doubled: Number(job.payload.n) * 2 };
    });
    const id = await runner.enqueue(kind, { n: 21 });
    expect((await jobRow(id)).status).toBe('queued');
    expect(await runner.runDue()).toBe(1);
    expect(await runner.runDue()).toBe(0);
    expect(seen).toEqual([{ n: 21 }]);
    const row = await jobRow(id);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 1, result: { doubled: 42 }, last_error: null });
    expect(row.finished_at).not.toBeNull();
  });

  it('a long job interrupted by the runner stopping goes back to the queue with its attempt not counted, and runs again', async () => {
    const runner = createJobRunner(h.db);
    const kind = kindOf('interrupted');
    const started = deferred();
    let runs = 0;
    runner.register(kind, async (job) => {
      runs++;
      if (runs > 1) return { done: true };
      started.resolve();
      // a batch loop that checks for the shutdown between batches
      while (!job.stopping()) await new Promise<void>((r) => setImmediate(r));
      throw new JobInterrupted();
    });
    const id = await runner.enqueue(kind, {});
    runner.start(5);
    await started.promise;
    await runner.stop();
    expect(await h.db.one(sql`SELECT status, attempts, started_at, last_error FROM job WHERE id = ${id}`)).toEqual({ status: 'queued', attempts: 0, started_at: null, last_error: null });
    const again = createJobRunner(h.db);
    again.register(kind, async () => ({ done: true }));
    expect(await again.runDue()).toBeGreaterThanOrEqual(1);
    expect(await jobRow(id)).toMatchObject({ status: 'succeeded', attempts: 1, result: { done: true } });
  });

  it('retries a failing job with a growing backoff and fails it after max attempts', async () => {
    const runner = createJobRunner(h.db);
    const kind = kindOf('fail');
    let calls = 0;
    runner.register(kind, async () => {
      calls++;
      throw new Error(`boom ${calls}`);
    });
    const id = await runner.enqueue(kind, {}, { maxAttempts: 3 });
    const runAt0 = Date.parse((await jobRow(id)).run_at);

    expect(await runner.runDue()).toBe(1);
    const r1 = await jobRow(id);
    expect(r1).toMatchObject({ status: 'queued', attempts: 1, last_error: 'boom 1', finished_at: null });
    // retried no earlier than 5 s after the failure, so not by this runDue()
    expect(Date.parse(r1.run_at) - runAt0).toBeGreaterThanOrEqual(5000);
    expect(await runner.runDue()).toBe(0);
    expect(calls).toBe(1);

    // let the backoff elapse: make the job due now
    const due1 = await h.db.one<{ run_at: string }>(sql`UPDATE job SET run_at = now() WHERE id = ${id} RETURNING run_at`);
    expect(await runner.runDue()).toBe(1);
    const r2 = await jobRow(id);
    expect(r2).toMatchObject({ status: 'queued', attempts: 2, last_error: 'boom 2' });
    const backoff2 = Date.parse(r2.run_at) - Date.parse(due1.run_at);
    expect(backoff2).toBeGreaterThanOrEqual(10_000); // the second backoff is longer than the first

    await h.db.exec(sql`UPDATE job SET run_at = now() WHERE id = ${id}`);
    expect(await runner.runDue()).toBe(1);
    const r3 = await jobRow(id);
    expect(r3).toMatchObject({ status: 'failed', attempts: 3, last_error: 'boom 3' });
    expect(r3.finished_at).not.toBeNull();
    await h.db.exec(sql`UPDATE job SET run_at = now() WHERE id = ${id}`);
    expect(await runner.runDue()).toBe(0);
    expect(calls).toBe(3);
  });

  it('a job whose worker stopped sending heartbeats goes back to the queue and runs', async () => {
    const runner = createJobRunner(h.db);
    const kind = kindOf('stale');
    let calls = 0;
    runner.register(kind, async () => {
      calls++;
    });
    const stale = await runner.enqueue(kind, {});
    const alive = await runner.enqueue(kind, {});
    await h.db.exec(sql`UPDATE job SET status = 'running', attempts = 1, worker_id = 'dead-worker', heartbeat_at = now() - interval '6 minutes' WHERE id = ${stale}`);
    await h.db.exec(sql`UPDATE job SET status = 'running', attempts = 1, worker_id = 'busy-worker', heartbeat_at = now() - interval '1 minute' WHERE id = ${alive}`);
    expect(await runner.runDue()).toBe(1);
    expect(calls).toBe(1);
    expect(await jobRow(stale)).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(await jobRow(alive)).toMatchObject({ status: 'running', attempts: 1 });
    await h.db.exec(sql`UPDATE job SET status = 'cancelled' WHERE id = ${alive}`);
  });

  it('a stale job that has used up its attempts fails instead of running again', async () => {
    const runner = createJobRunner(h.db);
    const kind = kindOf('stale-exhausted');
    let calls = 0;
    runner.register(kind, async () => {
      calls++;
    });
    const id = await runner.enqueue(kind, {}, { maxAttempts: 1 });
    await h.db.exec(sql`UPDATE job SET status = 'running', attempts = 1, worker_id = 'dead-worker', heartbeat_at = now() - interval '6 minutes' WHERE id = ${id}`);
    expect(await runner.runDue()).toBe(0);
    expect(calls).toBe(0);
    expect(await jobRow(id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'worker stopped responding' });
  });

  it('a dedupe key prevents a second job', async () => {
    const runner = createJobRunner(h.db);
    const kind = kindOf('dedupe');
    let calls = 0;
    runner.register(kind, async () => {
      calls++;
    });
    const key = `dedupe:${crypto.randomBytes(4).toString('hex')}`;
    const a = await runner.enqueue(kind, { n: 1 }, { dedupeKey: key });
    const b = await runner.enqueue(kind, { n: 2 }, { dedupeKey: key });
    expect(b).toBe(a);
    const rows = await h.db.query<{ payload: unknown }>(sql`SELECT payload FROM job WHERE dedupe_key = ${key}`);
    expect(rows).toEqual([{ payload: { n: 1 } }]);
    expect(await runner.runDue()).toBe(1);
    expect(calls).toBe(1);
  });

  it('two runners on the same database racing over 50 jobs run each exactly once', async () => {
    const kind = kindOf('race');
    const executions: string[] = [];
    const runners: JobRunner[] = [createJobRunner(h.db), createJobRunner(otherDb)];
    for (const r of runners) {
      r.register(kind, async (job) => {
        executions.push(job.jobId);
        await new Promise((resolve) => setImmediate(resolve)); // let the other runner interleave
      });
    }
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(await runners[0].enqueue(kind, { i }));
    const counts = await Promise.all(runners.map((r) => r.runDue()));
    expect(counts[0] + counts[1]).toBe(50);
    expect(executions).toHaveLength(50);
    expect(new Set(executions)).toEqual(new Set(ids));
    const st = await h.db.one<{ succeeded: number; attempts: number }>(sql`
      SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, sum(attempts)::int AS attempts FROM job WHERE kind = ${kind}`);
    expect(st).toEqual({ succeeded: 50, attempts: 50 });
  });

  it('a schedule enqueues exactly one job per due period, even with two runners', async () => {
    const kind = kindOf('tick');
    const name = `sched-${crypto.randomBytes(4).toString('hex')}`;
    const executions: string[] = [];
    const runners: JobRunner[] = [createJobRunner(h.db), createJobRunner(otherDb)];
    for (const r of runners) {
      r.register(kind, async (job) => {
        executions.push(String(job.payload.schedule));
      });
    }
    await runners[0].schedule(name, kind, 3600);
    await runners[1].schedule(name, kind, 3600);
    const jobsOf = () => h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM job WHERE kind = ${kind}`);

    await Promise.all(runners.map((r) => r.runDue()));
    expect((await jobsOf()).n).toBe(1);
    expect(executions).toEqual([name]);
    // not due again within the period
    await Promise.all(runners.map((r) => r.runDue()));
    expect((await jobsOf()).n).toBe(1);
    const next = await h.db.one<{ ahead: boolean }>(sql`SELECT next_run_at > now() + interval '59 minutes' AS ahead FROM job_schedule WHERE name = ${name}`);
    expect(next.ahead).toBe(true);

    // the next period comes due
    await h.db.exec(sql`UPDATE job_schedule SET next_run_at = now() WHERE name = ${name}`);
    await Promise.all(runners.map((r) => r.runDue()));
    expect((await jobsOf()).n).toBe(2);
    expect(executions).toEqual([name, name]);
  });
});

describe('job progress through the API', () => {
  it('the creator sees progress while the job runs; another non-admin user gets 404', async () => {
    const root = await makeRoot(h.deps);
    const b1 = await makeOrg(h.deps, root, 'branch');
    const b2 = await makeOrg(h.deps, root, 'branch');
    const owner = await makeAccount(h.deps, [{ role: 'secretary', orgId: b1.id, scope: 'subtree' }]);
    const stranger = await makeAccount(h.deps, [{ role: 'secretary', orgId: b2.id, scope: 'subtree' }]);
    const sysadmin = await makeAccount(h.deps, [{ role: 'sysadmin', orgId: null, scope: 'subtree' }]);
    const [co, cs, ca] = await Promise.all([owner, stranger, sysadmin].map((a) => login(h.app, a.username, PASSWORD)));

    const runner = createJobRunner(h.db);
    const kind = kindOf('progress');
    const reached = deferred();
    const release = deferred();
    runner.register(kind, async (job) => {
      await job.progress(3, 10, '已处理 3 / 10');
      reached.resolve();
      await release.promise;
      await job.progress(10);
      return { ok: true };
    });
    const id = await runner.enqueue(kind, {}, { createdBy: owner.id, orgId: b1.id });
    const running = runner.runDue();
    await reached.promise;

    const mid = await co.get(`/api/v1/jobs/${id}`);
    expect(mid.statusCode).toBe(200);
    expect(mid.json()).toMatchObject({ id, kind, status: 'running', progress: 3, progressTotal: 10, message: '已处理 3 / 10', attempts: 1 });
    const hidden = await cs.get(`/api/v1/jobs/${id}`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().error.code).toBe('NOT_FOUND');
    expect((await cs.get('/api/v1/jobs')).json().items.map((j: { id: string }) => j.id)).not.toContain(id);
    expect((await co.get('/api/v1/jobs')).json().items.map((j: { id: string }) => j.id)).toContain(id);
    expect((await ca.get(`/api/v1/jobs/${id}`)).statusCode).toBe(200);

    release.resolve();
    expect(await running).toBe(1);
    const done = (await co.get(`/api/v1/jobs/${id}`)).json();
    expect(done).toMatchObject({ status: 'succeeded', progress: 10, progressTotal: 10, result: { ok: true } });
    expect(done.finishedAt).not.toBeNull();
  });
});
